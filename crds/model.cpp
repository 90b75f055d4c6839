#include "crds/model.hpp"

#include <set>

#include "crds/json_fields.hpp"
#include "crds/source_uri.hpp"
#include "crds/text_checks.hpp"

namespace kiln::api {

using nlohmann::json;

void to_json(json& j, const ModelSource& v) {
  j = json{{"uri", v.uri}};
  write_optional(j, "sha256", v.sha256);
  write_optional(j, "secretRef", v.secret_ref);
  write_optional(j, "caConfigMapRef", v.ca_config_map_ref);
}
void from_json(const json& j, ModelSource& v) {
  expect_object(j, "source");
  read_field(j, "uri", v.uri);
  read_optional(j, "sha256", v.sha256);
  read_optional(j, "secretRef", v.secret_ref);
  read_optional(j, "caConfigMapRef", v.ca_config_map_ref);
}

void to_json(json& j, const ModelSpec& v) {
  j = json{{"source", v.source}};
  write_optional(j, "format", v.format);
  write_optional(j, "framework", v.framework);
  write_optional(j, "frameworkVersion", v.framework_version);
  write_optional(j, "description", v.description);
  write_nonempty(j, "tags", v.tags);
  write_optional(j, "retainVersions", v.retain_versions);
}
void from_json(const json& j, ModelSpec& v) {
  expect_object(j, "spec");
  read_field(j, "source", v.source);
  read_optional(j, "format", v.format);
  read_optional(j, "framework", v.framework);
  read_optional(j, "frameworkVersion", v.framework_version);
  read_optional(j, "description", v.description);
  read_field(j, "tags", v.tags);
  read_optional(j, "retainVersions", v.retain_versions);
}

void to_json(json& j, const ModelVersion& v) {
  j = json{{"version", v.version}, {"digest", v.digest}};
  write_optional(j, "image", v.image);
  write_optional(j, "contentSha256", v.content_sha256);
  write_optional(j, "sizeBytes", v.size_bytes);
  write_optional(j, "sourceUri", v.source_uri);
  write_optional(j, "registeredAt", v.registered_at);
}
void from_json(const json& j, ModelVersion& v) {
  expect_object(j, "versions[]");
  read_field(j, "version", v.version);
  read_field(j, "digest", v.digest);
  read_optional(j, "image", v.image);
  read_optional(j, "contentSha256", v.content_sha256);
  read_optional(j, "sizeBytes", v.size_bytes);
  read_optional(j, "sourceUri", v.source_uri);
  read_optional(j, "registeredAt", v.registered_at);
}

void to_json(json& j, const ModelStatus& v) {
  j = json::object();
  write_optional(j, "observedGeneration", v.observed_generation);
  write_optional(j, "version", v.version);
  write_optional(j, "digest", v.digest);
  write_optional(j, "image", v.image);
  write_optional(j, "contentSha256", v.content_sha256);
  write_optional(j, "sizeBytes", v.size_bytes);
  write_optional(j, "registrationJob", v.registration_job);
  write_nonempty(j, "versions", v.versions);
  if (!v.conditions.empty()) j["conditions"] = v.conditions;
}
void from_json(const json& j, ModelStatus& v) {
  expect_object(j, "status");
  read_optional(j, "observedGeneration", v.observed_generation);
  read_optional(j, "version", v.version);
  read_optional(j, "digest", v.digest);
  read_optional(j, "image", v.image);
  read_optional(j, "contentSha256", v.content_sha256);
  read_optional(j, "sizeBytes", v.size_bytes);
  read_optional(j, "registrationJob", v.registration_job);
  read_field(j, "versions", v.versions);
  read_conditions(j, v.conditions);
}

void to_json(json& j, const Model& v) {
  j = json{{"apiVersion", kApiVersion},
           {"kind", kModelKind},
           {"metadata", v.metadata},
           {"spec", v.spec}};
  json status = v.status;
  if (!status.empty()) j["status"] = std::move(status);
}
void from_json(const json& j, Model& v) {
  expect_object(j, "Model");
  read_field(j, "metadata", v.metadata);
  read_field(j, "spec", v.spec);
  read_field(j, "status", v.status);
}

void apply_defaults(Model& model) {
  auto& spec = model.spec;
  if (!spec.format) spec.format = "other";
  if (!spec.framework) spec.framework = "custom";
  if (!spec.retain_versions) spec.retain_versions = 10;
  if (spec.source.ca_config_map_ref && !spec.source.ca_config_map_ref->key) {
    spec.source.ca_config_map_ref->key = "ca.crt";
  }
}

FieldErrors validate(const Model& model) {
  FieldErrors errors;
  validate_name(model.metadata, errors);
  const auto& spec = model.spec;
  const auto& source = spec.source;
  if (source.uri.empty()) {
    errors.push_back({"spec.source.uri", "required"});
  } else if (source.uri.size() > 2048) {
    errors.push_back({"spec.source.uri", "may not be longer than 2048 characters"});
  } else {
    auto parsed = parse_source_uri(source.uri);
    if (!parsed.uri) {
      errors.push_back({"spec.source.uri", parsed.error});
    } else {
      if (parsed.uri->scheme == SourceScheme::oci && source.sha256) {
        errors.push_back({"spec.source.sha256",
                          "sha256 does not apply to an oci:// source: pin it with "
                          "@sha256:<digest> in the uri"});
      }
      if (parsed.uri->scheme == SourceScheme::pvc && source.secret_ref) {
        errors.push_back({"spec.source.secretRef", "a pvc:// source takes no secretRef"});
      }
    }
  }
  if (source.sha256 && !is_lower_hex(*source.sha256, 64)) {
    errors.push_back({"spec.source.sha256", "must be 64 lower-case hex digits"});
  }
  static const std::set<std::string> kFormats = {"pickle", "onnx", "other"};
  if (spec.format && !kFormats.contains(*spec.format)) {
    errors.push_back({"spec.format", "must be one of pickle, onnx, other"});
  }
  static const std::set<std::string> kFrameworks = {
      "scikit-learn", "onnx", "tensorflow", "pytorch", "xgboost", "lightgbm", "custom"};
  if (spec.framework && !kFrameworks.contains(*spec.framework)) {
    errors.push_back({"spec.framework",
                      "must be one of scikit-learn, onnx, tensorflow, pytorch, xgboost, lightgbm, "
                      "custom"});
  }
  if (spec.description && spec.description->size() > 1024) {
    errors.push_back({"spec.description", "may not be longer than 1024 characters"});
  }
  if (spec.tags.size() > 50) errors.push_back({"spec.tags", "at most 50 tags"});
  for (const auto& [key, value] : spec.tags) {
    if (key.empty() || key.size() > 63) {
      errors.push_back({"spec.tags", "tag keys must be 1 to 63 characters long"});
    }
    if (value.size() > 256) errors.push_back({"spec.tags." + key, "at most 256 characters"});
  }
  if (spec.retain_versions && (*spec.retain_versions < 1 || *spec.retain_versions > 100)) {
    errors.push_back({"spec.retainVersions", "must be between 1 and 100"});
  }
  return errors;
}

}  // namespace kiln::api
