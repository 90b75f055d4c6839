#pragma once

// Model (kiln.dev/v1alpha1): crds/models.kiln.dev.yaml in C++.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crds/common_types.hpp"
#include "crds/field_error.hpp"

namespace kiln::api {

struct ModelSource {
  std::string uri;
  std::optional<std::string> sha256;
  std::optional<LocalObjectReference> secret_ref;
  std::optional<KeyReference> ca_config_map_ref;  // key defaults to ca.crt
  bool operator==(const ModelSource&) const = default;
};

struct ModelSpec {
  ModelSource source;
  std::optional<std::string> format;     // pickle | onnx | other (default other)
  std::optional<std::string> framework;  // scikit-learn | onnx | ... | custom (default custom)
  std::optional<std::string> framework_version;
  std::optional<std::string> description;
  std::map<std::string, std::string> tags;
  std::optional<std::int32_t> retain_versions;  // default 10
  bool operator==(const ModelSpec&) const = default;
};

struct ModelVersion {
  std::int64_t version = 0;
  std::string digest;
  std::optional<std::string> image;
  std::optional<std::string> content_sha256;
  std::optional<std::int64_t> size_bytes;
  std::optional<std::string> source_uri;
  std::optional<std::string> registered_at;
  bool operator==(const ModelVersion&) const = default;
};

struct ModelStatus {
  std::optional<std::int64_t> observed_generation;
  std::optional<std::int64_t> version;
  std::optional<std::string> digest;
  std::optional<std::string> image;
  std::optional<std::string> content_sha256;
  std::optional<std::int64_t> size_bytes;
  std::optional<std::string> registration_job;
  std::vector<ModelVersion> versions;  // newest first
  nlohmann::json conditions = nlohmann::json::array();
  bool operator==(const ModelStatus&) const = default;
};

struct Model {
  nlohmann::json metadata = nlohmann::json::object();
  ModelSpec spec;
  ModelStatus status;
  bool operator==(const Model&) const = default;
};

inline constexpr const char* kModelKind = "Model";
inline constexpr const char* kModelPlural = "models";

void to_json(nlohmann::json& j, const ModelSource& v);
void from_json(const nlohmann::json& j, ModelSource& v);
void to_json(nlohmann::json& j, const ModelSpec& v);
void from_json(const nlohmann::json& j, ModelSpec& v);
void to_json(nlohmann::json& j, const ModelVersion& v);
void from_json(const nlohmann::json& j, ModelVersion& v);
void to_json(nlohmann::json& j, const ModelStatus& v);
void from_json(const nlohmann::json& j, ModelStatus& v);
// The whole object, with apiVersion and kind; status omitted when empty.
void to_json(nlohmann::json& j, const Model& v);
void from_json(const nlohmann::json& j, Model& v);

// The CRD's defaults (format other, framework custom, retainVersions 10, CA key ca.crt).
void apply_defaults(Model& model);

// What the CRD checks, plus what CEL cannot: S3 bucket names that look like
// IP addresses or have adjacent dots, '..' path segments.
FieldErrors validate(const Model& model);

}  // namespace kiln::api
