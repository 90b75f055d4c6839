#include "reconcilers/environment/python_setup.hpp"

#include <cctype>
#include <cstdio>

namespace kiln::reconcilers::environment {
namespace {

// "python=3.6.2", "python==3.11", "python 3.8" -> the version; "python-dateutil" -> nullopt.
std::optional<std::string> python_in_conda_spec(const std::string& dependency) {
  const std::string name = "python";
  if (dependency.rfind(name, 0) != 0) return std::nullopt;
  std::size_t i = name.size();
  if (i < dependency.size() && (std::isalnum(static_cast<unsigned char>(dependency[i])) ||
                                dependency[i] == '-' || dependency[i] == '_')) {
    return std::nullopt;  // another package: python-dateutil, python_abi
  }
  while (i < dependency.size() && (dependency[i] == '=' || dependency[i] == ' ' ||
                                   dependency[i] == '>' || dependency[i] == '<')) {
    ++i;
  }
  std::string version;
  while (i < dependency.size() &&
         (std::isdigit(static_cast<unsigned char>(dependency[i])) || dependency[i] == '.')) {
    version += dependency[i++];
  }
  if (version.empty()) return std::nullopt;
  return version;
}

}  // namespace

std::string_view to_string(PythonSetup setup) {
  switch (setup) {
    case PythonSetup::runtime_venv:
      return "runtime-venv";
    case PythonSetup::conda_env:
      return "conda-env";
    case PythonSetup::base_venv:
      return "base-venv";
    case PythonSetup::user_managed:
      return "user-managed";
  }
  return "unknown";
}

PythonSetup choose_python_setup(const api::EnvironmentSpec& spec) {
  const auto& python = spec.python;
  if (python && python->user_managed_dependencies.value_or(false)) return PythonSetup::user_managed;
  if (python && (python->conda_dependencies || python->conda_file)) return PythonSetup::conda_env;
  if (!spec.base_image && !spec.base_dockerfile) return PythonSetup::runtime_venv;
  return PythonSetup::base_venv;
}

std::optional<std::string> pinned_python_version(const api::EnvironmentSpec& spec) {
  if (!spec.python) return std::nullopt;
  if (spec.python->conda_dependencies) {
    for (const auto& dependency : spec.python->conda_dependencies->dependencies) {
      if (auto version = python_in_conda_spec(dependency)) return version;
    }
  }
  return spec.python->version;
}

std::string unsupported_python(const api::EnvironmentSpec& spec) {
  auto version = pinned_python_version(spec);
  if (!version) return "";
  int major = 0;
  int minor = -1;
  if (std::sscanf(version->c_str(), "%d.%d", &major, &minor) < 1) return "";
  if (major == 3 && (minor < 0 || (minor >= kMinPythonMinor && minor <= kMaxPythonMinor)))
    return "";
  return "the environment pins Python " + *version + "; kiln-serve runs on CPython 3." +
         std::to_string(kMinPythonMinor) + " to 3." + std::to_string(kMaxPythonMinor) +
         ": pin a version in that range (python.version, or python=3.X in the conda dependencies)";
}

}  // namespace kiln::reconcilers::environment
