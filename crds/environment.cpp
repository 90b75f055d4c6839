#include "crds/environment.hpp"

#include "crds/json_fields.hpp"
#include "crds/text_checks.hpp"

namespace kiln::api {

using nlohmann::json;

namespace {

// 3.<1-2 digits>[.<1-3 digits>]
bool is_python3_version(std::string_view v) {
  if (!v.starts_with("3.")) return false;
  v.remove_prefix(2);
  const auto dot = v.find('.');
  const auto minor = v.substr(0, dot);
  if (!is_digits(minor) || minor.size() > 2) return false;
  if (dot == std::string_view::npos) return true;
  const auto patch = v.substr(dot + 1);
  return is_digits(patch) && patch.size() <= 3;
}

}  // namespace

std::string_view to_string(BuildPhase phase) {
  switch (phase) {
    case BuildPhase::pending:
      return "Pending";
    case BuildPhase::building:
      return "Building";
    case BuildPhase::ready:
      return "Ready";
    case BuildPhase::failed:
      return "Failed";
  }
  return "Pending";
}

std::optional<BuildPhase> parse_build_phase(std::string_view text) {
  for (auto p :
       {BuildPhase::pending, BuildPhase::building, BuildPhase::ready, BuildPhase::failed}) {
    if (to_string(p) == text) return p;
  }
  return std::nullopt;
}

void read_build_phase(const json& j, std::optional<BuildPhase>& out) {
  std::optional<std::string> phase;
  read_optional(j, "phase", phase);
  if (!phase) return;
  out = parse_build_phase(*phase);
  if (!out) throw DecodeError("phase: unknown phase " + *phase);
}

void to_json(json& j, const RegistryCredentials& v) {
  j = json{{"secretRef", v.secret_ref}};
  write_optional(j, "address", v.address);
}
void from_json(const json& j, RegistryCredentials& v) {
  expect_object(j, "baseImageRegistry");
  read_optional(j, "address", v.address);
  read_field(j, "secretRef", v.secret_ref);
}

void to_json(json& j, const CondaDependencies& v) {
  j = json::object();
  write_nonempty(j, "channels", v.channels);
  write_nonempty(j, "dependencies", v.dependencies);
  write_nonempty(j, "pip", v.pip);
}
void from_json(const json& j, CondaDependencies& v) {
  expect_object(j, "condaDependencies");
  read_field(j, "channels", v.channels);
  read_field(j, "dependencies", v.dependencies);
  read_field(j, "pip", v.pip);
}

void to_json(json& j, const PythonSettings& v) {
  j = json::object();
  write_optional(j, "version", v.version);
  write_optional(j, "userManagedDependencies", v.user_managed_dependencies);
  write_optional(j, "condaDependencies", v.conda_dependencies);
  write_optional(j, "condaFile", v.conda_file);
  write_optional(j, "pip", v.pip);
  write_optional(j, "pipIndexUrl", v.pip_index_url);
}
void from_json(const json& j, PythonSettings& v) {
  expect_object(j, "python");
  read_optional(j, "version", v.version);
  read_optional(j, "userManagedDependencies", v.user_managed_dependencies);
  read_optional(j, "condaDependencies", v.conda_dependencies);
  read_optional(j, "condaFile", v.conda_file);
  read_optional(j, "pip", v.pip);
  read_optional(j, "pipIndexUrl", v.pip_index_url);
}

void to_json(json& j, const ExtraRequirements& v) {
  j = json::object();
  write_optional(j, "requirementsFile", v.requirements_file);
  write_optional(j, "pythonLibPath", v.python_lib_path);
}
void from_json(const json& j, ExtraRequirements& v) {
  expect_object(j, "extraRequirements");
  read_optional(j, "requirementsFile", v.requirements_file);
  read_optional(j, "pythonLibPath", v.python_lib_path);
}

void to_json(json& j, const BuildSettings& v) {
  j = json::object();
  write_optional(j, "timeoutSeconds", v.timeout_seconds);
  write_optional(j, "repository", v.repository);
  write_optional(j, "resources", v.resources);
}
void from_json(const json& j, BuildSettings& v) {
  expect_object(j, "build");
  read_optional(j, "timeoutSeconds", v.timeout_seconds);
  read_optional(j, "repository", v.repository);
  read_optional(j, "resources", v.resources);
}

void to_json(json& j, const EnvironmentSpec& v) {
  j = json::object();
  write_optional(j, "baseImage", v.base_image);
  write_optional(j, "baseDockerfile", v.base_dockerfile);
  write_optional(j, "baseImageRegistry", v.base_image_registry);
  write_optional(j, "python", v.python);
  write_nonempty(j, "env", v.env);
  write_optional(j, "extraRequirements", v.extra_requirements);
  write_optional(j, "build", v.build);
}
void from_json(const json& j, EnvironmentSpec& v) {
  expect_object(j, "spec");
  read_optional(j, "baseImage", v.base_image);
  read_optional(j, "baseDockerfile", v.base_dockerfile);
  read_optional(j, "baseImageRegistry", v.base_image_registry);
  read_optional(j, "python", v.python);
  read_field(j, "env", v.env);
  read_optional(j, "extraRequirements", v.extra_requirements);
  read_optional(j, "build", v.build);
}

void to_json(json& j, const EnvironmentStatus& v) {
  j = json::object();
  write_optional(j, "observedGeneration", v.observed_generation);
  if (v.phase) j["phase"] = to_string(*v.phase);
  write_optional(j, "image", v.image);
  write_optional(j, "tag", v.tag);
  write_optional(j, "buildJob", v.build_job);
  write_optional(j, "buildLogTail", v.build_log_tail);
  if (!v.conditions.empty()) j["conditions"] = v.conditions;
}
void from_json(const json& j, EnvironmentStatus& v) {
  expect_object(j, "status");
  read_optional(j, "observedGeneration", v.observed_generation);
  read_build_phase(j, v.phase);
  read_optional(j, "image", v.image);
  read_optional(j, "tag", v.tag);
  read_optional(j, "buildJob", v.build_job);
  read_optional(j, "buildLogTail", v.build_log_tail);
  read_conditions(j, v.conditions);
}

void to_json(json& j, const Environment& v) {
  j = json{{"apiVersion", kApiVersion},
           {"kind", kEnvironmentKind},
           {"metadata", v.metadata},
           {"spec", v.spec}};
  json status = v.status;
  if (!status.empty()) j["status"] = std::move(status);
}
void from_json(const json& j, Environment& v) {
  expect_object(j, "Environment");
  read_field(j, "metadata", v.metadata);
  read_field(j, "spec", v.spec);
  read_field(j, "status", v.status);
}

void apply_defaults(Environment& environment) {
  auto& spec = environment.spec;
  if (spec.python && !spec.python->user_managed_dependencies) {
    spec.python->user_managed_dependencies = false;
  }
  if (spec.build && !spec.build->timeout_seconds) spec.build->timeout_seconds = 3600;
}

FieldErrors validate(const Environment& environment) {
  FieldErrors errors;
  validate_name(environment.metadata, errors);
  const auto& spec = environment.spec;
  if (spec.base_image && spec.base_dockerfile) {
    errors.push_back({"spec", "set at most one of baseImage and baseDockerfile"});
  }
  if (spec.base_image && !is_image_reference(*spec.base_image)) {
    errors.push_back({"spec.baseImage",
                      "must be an image reference such as registry.example.com/repo/name:tag"});
  }
  if (spec.base_dockerfile && !has_line_starting_with(*spec.base_dockerfile, "FROM")) {
    errors.push_back({"spec.baseDockerfile", "a Dockerfile needs a FROM instruction"});
  }
  if (spec.base_image_registry) {
    if (!spec.base_image && !spec.base_dockerfile) {
      errors.push_back(
          {"spec.baseImageRegistry", "baseImageRegistry needs baseImage or baseDockerfile"});
    }
    if (spec.base_image_registry->secret_ref.name.empty()) {
      errors.push_back({"spec.baseImageRegistry.secretRef.name", "required"});
    }
  }
  if (spec.python) {
    const auto& py = *spec.python;
    if (py.version && !is_python3_version(*py.version)) {
      errors.push_back({"spec.python.version", "must be a Python 3 version such as 3.11"});
    }
    if (py.conda_dependencies && py.conda_file) {
      errors.push_back({"spec.python", "set at most one of condaDependencies and condaFile"});
    }
    if (py.user_managed_dependencies.value_or(false) &&
        (py.conda_dependencies || py.conda_file || py.pip)) {
      errors.push_back({"spec.python",
                        "userManagedDependencies uses the base image's Python as it is: remove "
                        "condaDependencies, condaFile and pip"});
    }
    if (py.pip) {
      for (std::size_t i = 0; i < py.pip->size(); ++i) {
        const auto& req = (*py.pip)[i];
        if (req.empty() || req.find('\n') != std::string::npos) {
          errors.push_back(
              {"spec.python.pip[" + std::to_string(i) + "]", "one requirement per item"});
        }
      }
    }
  }
  validate_env(spec.env, "spec.env", errors);
  if (spec.extra_requirements) {
    if (spec.extra_requirements->requirements_file) {
      validate_relative_path(*spec.extra_requirements->requirements_file,
                             "spec.extraRequirements.requirementsFile", errors);
    }
    if (spec.extra_requirements->python_lib_path) {
      validate_relative_path(*spec.extra_requirements->python_lib_path,
                             "spec.extraRequirements.pythonLibPath", errors);
    }
  }
  if (spec.build) {
    if (spec.build->timeout_seconds &&
        (*spec.build->timeout_seconds < 60 || *spec.build->timeout_seconds > 86400)) {
      errors.push_back({"spec.build.timeoutSeconds", "must be between 60 and 86400"});
    }
    if (spec.build->resources)
      validate_resources(*spec.build->resources, "spec.build.resources", errors);
  }
  return errors;
}

}  // namespace kiln::api
