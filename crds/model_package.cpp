#include "crds/model_package.hpp"

#include "crds/json_fields.hpp"

namespace kiln::api {

using nlohmann::json;

std::string_view to_string(PackageFormat format) {
  return format == PackageFormat::image ? "Image" : "DockerContext";
}

std::optional<PackageFormat> parse_package_format(std::string_view text) {
  if (text == "Image") return PackageFormat::image;
  if (text == "DockerContext") return PackageFormat::docker_context;
  return std::nullopt;
}

void to_json(json& j, const PackagePvc& v) {
  j = json{{"claimName", v.claim_name}};
  write_optional(j, "path", v.path);
}
void from_json(const json& j, PackagePvc& v) {
  expect_object(j, "pvc");
  read_field(j, "claimName", v.claim_name);
  read_optional(j, "path", v.path);
}

void to_json(json& j, const PackageOutput& v) {
  j = json::object();
  if (v.format) j["format"] = to_string(*v.format);
  write_optional(j, "repository", v.repository);
  write_optional(j, "pvc", v.pvc);
}
void from_json(const json& j, PackageOutput& v) {
  expect_object(j, "output");
  std::optional<std::string> format;
  read_optional(j, "format", format);
  if (format) {
    v.format = parse_package_format(*format);
    if (!v.format) throw DecodeError("format: unknown format " + *format);
  }
  read_optional(j, "repository", v.repository);
  read_optional(j, "pvc", v.pvc);
}

void to_json(json& j, const ModelPackageSpec& v) {
  j = json{{"models", v.models},
           {"environmentRef", v.environment_ref},
           {"inferenceConfig", v.inference_config}};
  write_optional(j, "output", v.output);
}
void from_json(const json& j, ModelPackageSpec& v) {
  expect_object(j, "spec");
  read_field(j, "models", v.models);
  read_field(j, "environmentRef", v.environment_ref);
  read_field(j, "inferenceConfig", v.inference_config);
  read_optional(j, "output", v.output);
}

void to_json(json& j, const ModelPackageStatus& v) {
  j = json::object();
  write_optional(j, "observedGeneration", v.observed_generation);
  if (v.phase) j["phase"] = to_string(*v.phase);
  write_optional(j, "image", v.image);
  write_optional(j, "tag", v.tag);
  write_optional(j, "buildJob", v.build_job);
  write_optional(j, "buildLogTail", v.build_log_tail);
  write_optional(j, "contextUri", v.context_uri);
  write_nonempty(j, "modelVersions", v.model_versions);
  if (!v.conditions.empty()) j["conditions"] = v.conditions;
}
void from_json(const json& j, ModelPackageStatus& v) {
  expect_object(j, "status");
  read_optional(j, "observedGeneration", v.observed_generation);
  read_build_phase(j, v.phase);
  read_optional(j, "image", v.image);
  read_optional(j, "tag", v.tag);
  read_optional(j, "buildJob", v.build_job);
  read_optional(j, "buildLogTail", v.build_log_tail);
  read_optional(j, "contextUri", v.context_uri);
  read_field(j, "modelVersions", v.model_versions);
  read_conditions(j, v.conditions);
}

void to_json(json& j, const ModelPackage& v) {
  j = json{{"apiVersion", kApiVersion},
           {"kind", kModelPackageKind},
           {"metadata", v.metadata},
           {"spec", v.spec}};
  json status = v.status;
  if (!status.empty()) j["status"] = std::move(status);
}
void from_json(const json& j, ModelPackage& v) {
  expect_object(j, "ModelPackage");
  read_field(j, "metadata", v.metadata);
  read_field(j, "spec", v.spec);
  read_field(j, "status", v.status);
}

void apply_defaults(ModelPackage& package) {
  auto& spec = package.spec;
  apply_defaults(spec.inference_config);
  if (!spec.output) spec.output = PackageOutput{};
  if (!spec.output->format) spec.output->format = PackageFormat::image;
  if (spec.output->pvc && !spec.output->pvc->path) spec.output->pvc->path = ".";
}

FieldErrors validate(const ModelPackage& package) {
  FieldErrors errors;
  validate_name(package.metadata, errors);
  const auto& spec = package.spec;
  validate_model_refs(spec.models, "spec.models", errors);
  if (spec.environment_ref.name.empty()) errors.push_back({"spec.environmentRef.name", "required"});
  validate_inference_config(spec.inference_config, "spec.inferenceConfig", errors);
  if (spec.output && spec.output->pvc) {
    if (spec.output->format.value_or(PackageFormat::image) != PackageFormat::docker_context) {
      errors.push_back({"spec.output.pvc", "pvc applies only to format DockerContext"});
    }
    if (spec.output->pvc->claim_name.empty()) {
      errors.push_back({"spec.output.pvc.claimName", "required"});
    }
    if (spec.output->pvc->path && *spec.output->pvc->path != ".") {
      validate_relative_path(*spec.output->pvc->path, "spec.output.pvc.path", errors);
    }
  }
  return errors;
}

}  // namespace kiln::api
