#pragma once

// Environment (kiln.dev/v1alpha1): crds/environments.kiln.dev.yaml in C++.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crds/common_types.hpp"
#include "crds/field_error.hpp"

namespace kiln::api {

struct RegistryCredentials {
  std::optional<std::string> address;
  LocalObjectReference secret_ref;  // dockerconfigjson or basic-auth
  bool operator==(const RegistryCredentials&) const = default;
};

struct CondaDependencies {
  std::vector<std::string> channels;
  std::vector<std::string> dependencies;
  std::vector<std::string> pip;
  bool operator==(const CondaDependencies&) const = default;
};

struct PythonSettings {
  std::optional<std::string> version;
  std::optional<bool> user_managed_dependencies;  // default false
  std::optional<CondaDependencies> conda_dependencies;
  std::optional<std::string> conda_file;
  std::optional<std::vector<std::string>> pip;
  std::optional<std::string> pip_index_url;
  bool operator==(const PythonSettings&) const = default;
};

struct ExtraRequirements {
  std::optional<std::string> requirements_file;  // AZUREML_EXTRA_REQUIREMENTS_TXT
  std::optional<std::string> python_lib_path;    // AZUREML_EXTRA_PYTHON_LIB_PATH
  bool operator==(const ExtraRequirements&) const = default;
};

struct BuildSettings {
  std::optional<std::int32_t> timeout_seconds;  // default 3600
  std::optional<std::string> repository;
  std::optional<ResourceRequirements> resources;
  bool operator==(const BuildSettings&) const = default;
};

struct EnvironmentSpec {
  std::optional<std::string> base_image;
  std::optional<std::string> base_dockerfile;
  std::optional<RegistryCredentials> base_image_registry;
  std::optional<PythonSettings> python;
  std::vector<EnvVar> env;
  std::optional<ExtraRequirements> extra_requirements;
  std::optional<BuildSettings> build;
  bool operator==(const EnvironmentSpec&) const = default;
};

enum class BuildPhase { pending, building, ready, failed };
std::string_view to_string(BuildPhase phase);
std::optional<BuildPhase> parse_build_phase(std::string_view text);
// status.phase of a build (Environment, ModelPackage); throws DecodeError on an unknown phase.
void read_build_phase(const nlohmann::json& j, std::optional<BuildPhase>& out);

struct EnvironmentStatus {
  std::optional<std::int64_t> observed_generation;
  std::optional<BuildPhase> phase;
  std::optional<std::string> image;  // repo@sha256:...
  std::optional<std::string> tag;
  std::optional<std::string> build_job;
  std::optional<std::string> build_log_tail;
  nlohmann::json conditions = nlohmann::json::array();
  bool operator==(const EnvironmentStatus&) const = default;
};

struct Environment {
  nlohmann::json metadata = nlohmann::json::object();
  EnvironmentSpec spec;
  EnvironmentStatus status;
  bool operator==(const Environment&) const = default;
};

inline constexpr const char* kEnvironmentKind = "Environment";
inline constexpr const char* kEnvironmentPlural = "environments";

void to_json(nlohmann::json& j, const RegistryCredentials& v);
void from_json(const nlohmann::json& j, RegistryCredentials& v);
void to_json(nlohmann::json& j, const CondaDependencies& v);
void from_json(const nlohmann::json& j, CondaDependencies& v);
void to_json(nlohmann::json& j, const PythonSettings& v);
void from_json(const nlohmann::json& j, PythonSettings& v);
void to_json(nlohmann::json& j, const ExtraRequirements& v);
void from_json(const nlohmann::json& j, ExtraRequirements& v);
void to_json(nlohmann::json& j, const BuildSettings& v);
void from_json(const nlohmann::json& j, BuildSettings& v);
void to_json(nlohmann::json& j, const EnvironmentSpec& v);
void from_json(const nlohmann::json& j, EnvironmentSpec& v);
void to_json(nlohmann::json& j, const EnvironmentStatus& v);
void from_json(const nlohmann::json& j, EnvironmentStatus& v);
void to_json(nlohmann::json& j, const Environment& v);
void from_json(const nlohmann::json& j, Environment& v);

// The CRD's defaults (python.userManagedDependencies false, build.timeoutSeconds 3600).
void apply_defaults(Environment& environment);

// What the CRD checks, plus reserved environment variable names.
FieldErrors validate(const Environment& environment);

}  // namespace kiln::api
