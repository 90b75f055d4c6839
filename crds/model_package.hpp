#pragma once

// ModelPackage (kiln.dev/v1alpha1): crds/modelpackages.kiln.dev.yaml in C++.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crds/common_types.hpp"
#include "crds/environment.hpp"
#include "crds/field_error.hpp"

namespace kiln::api {

enum class PackageFormat { image, docker_context };
std::string_view to_string(PackageFormat format);
std::optional<PackageFormat> parse_package_format(std::string_view text);

struct PackagePvc {
  std::string claim_name;
  std::optional<std::string> path;  // default "."
  bool operator==(const PackagePvc&) const = default;
};

struct PackageOutput {
  std::optional<PackageFormat> format;  // default Image
  std::optional<std::string> repository;
  std::optional<PackagePvc> pvc;
  bool operator==(const PackageOutput&) const = default;
};

struct ModelPackageSpec {
  std::vector<ModelReference> models;
  LocalObjectReference environment_ref;
  InferenceConfig inference_config;
  std::optional<PackageOutput> output;  // defaults to {} (format Image)
  bool operator==(const ModelPackageSpec&) const = default;
};

struct ModelPackageStatus {
  std::optional<std::int64_t> observed_generation;
  std::optional<BuildPhase> phase;
  std::optional<std::string> image;  // repo@sha256:...
  std::optional<std::string> tag;
  std::optional<std::string> build_job;
  std::optional<std::string> build_log_tail;
  std::optional<std::string> context_uri;
  std::vector<ModelVersionStatus> model_versions;
  nlohmann::json conditions = nlohmann::json::array();
  bool operator==(const ModelPackageStatus&) const = default;
};

struct ModelPackage {
  nlohmann::json metadata = nlohmann::json::object();
  ModelPackageSpec spec;
  ModelPackageStatus status;
  bool operator==(const ModelPackage&) const = default;
};

inline constexpr const char* kModelPackageKind = "ModelPackage";
inline constexpr const char* kModelPackagePlural = "modelpackages";

void to_json(nlohmann::json& j, const PackagePvc& v);
void from_json(const nlohmann::json& j, PackagePvc& v);
void to_json(nlohmann::json& j, const PackageOutput& v);
void from_json(const nlohmann::json& j, PackageOutput& v);
void to_json(nlohmann::json& j, const ModelPackageSpec& v);
void from_json(const nlohmann::json& j, ModelPackageSpec& v);
void to_json(nlohmann::json& j, const ModelPackageStatus& v);
void from_json(const nlohmann::json& j, ModelPackageStatus& v);
void to_json(nlohmann::json& j, const ModelPackage& v);
void from_json(const nlohmann::json& j, ModelPackage& v);

// The CRD's defaults: output {} with format Image, entryScript score.py, pvc path ".".
void apply_defaults(ModelPackage& package);

FieldErrors validate(const ModelPackage& package);

}  // namespace kiln::api
