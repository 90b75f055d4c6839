#pragma once

// Types shared by several kinds, mirroring the CRDs' schemas (crds/*.yaml).

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crds/field_error.hpp"
#include "crds/text_checks.hpp"

namespace kiln::api {

inline constexpr const char* kGroup = "kiln.dev";
inline constexpr const char* kVersion = "v1alpha1";
inline constexpr const char* kApiVersion = "kiln.dev/v1alpha1";

// A reference to an object of a known kind in the same namespace.
struct LocalObjectReference {
  std::string name;
  bool operator==(const LocalObjectReference&) const = default;
};

// A ConfigMap (or Secret) key reference; `key` has a per-use default.
struct KeyReference {
  std::string name;
  std::optional<std::string> key;
  bool operator==(const KeyReference&) const = default;
};

struct EnvVar {
  std::string name;
  std::string value;
  bool operator==(const EnvVar&) const = default;
};

// A Model by name, pinned to a version or following the latest (no version).
struct ModelReference {
  std::string name;
  std::optional<std::int64_t> version;
  bool operator==(const ModelReference&) const = default;
};

// The entry script's source directory: exactly one of inline, config_map, uri.
struct ScriptSource {
  std::optional<std::string> inline_script;
  std::optional<LocalObjectReference> config_map;
  std::optional<std::string> uri;
  std::optional<LocalObjectReference> secret_ref;
  bool operator==(const ScriptSource&) const = default;
};

struct InferenceConfig {
  std::optional<std::string> entry_script;  // default score.py
  ScriptSource source;
  bool operator==(const InferenceConfig&) const = default;
};

// Pod-style requests and limits; values are quantities (strings or numbers).
struct ResourceRequirements {
  std::map<std::string, nlohmann::json> requests;
  std::map<std::string, nlohmann::json> limits;
  bool operator==(const ResourceRequirements&) const = default;
};

// Fixed model version per Model, as InferenceService and ModelPackage status report them.
struct ModelVersionStatus {
  std::string name;
  std::int64_t version = 0;
  std::optional<std::string> digest;
  bool operator==(const ModelVersionStatus&) const = default;
};

void to_json(nlohmann::json& j, const LocalObjectReference& v);
void from_json(const nlohmann::json& j, LocalObjectReference& v);
void to_json(nlohmann::json& j, const KeyReference& v);
void from_json(const nlohmann::json& j, KeyReference& v);
void to_json(nlohmann::json& j, const EnvVar& v);
void from_json(const nlohmann::json& j, EnvVar& v);
void to_json(nlohmann::json& j, const ModelReference& v);
void from_json(const nlohmann::json& j, ModelReference& v);
void to_json(nlohmann::json& j, const ScriptSource& v);
void from_json(const nlohmann::json& j, ScriptSource& v);
void to_json(nlohmann::json& j, const InferenceConfig& v);
void from_json(const nlohmann::json& j, InferenceConfig& v);
void to_json(nlohmann::json& j, const ResourceRequirements& v);
void from_json(const nlohmann::json& j, ResourceRequirements& v);
void to_json(nlohmann::json& j, const ModelVersionStatus& v);
void from_json(const nlohmann::json& j, ModelVersionStatus& v);

void apply_defaults(InferenceConfig& config);

// Validation of the shared parts; `path` is where the part sits (spec.env).
void validate_env(const std::vector<EnvVar>& env, const std::string& path, FieldErrors& errors);
void validate_model_refs(const std::vector<ModelReference>& models, const std::string& path,
                         FieldErrors& errors);
void validate_inference_config(const InferenceConfig& config, const std::string& path,
                               FieldErrors& errors);
void validate_resources(const ResourceRequirements& resources, const std::string& path,
                        FieldErrors& errors);
void validate_relative_path(const std::string& value, const std::string& path, FieldErrors& errors);
// Whether `image` looks like an image reference (no scheme, no spaces).
bool is_image_reference(const std::string& image);

// metadata.name / metadata.namespace of an object's metadata JSON ("" when absent).
std::string meta_name(const nlohmann::json& metadata);
std::string meta_namespace(const nlohmann::json& metadata);
std::int64_t meta_generation(const nlohmann::json& metadata);
// Checks metadata.name as the CRDs do (a DNS label for kinds that name Services).
void validate_name(const nlohmann::json& metadata, FieldErrors& errors);

}  // namespace kiln::api
