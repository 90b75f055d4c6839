#include "cli/local_environment.hpp"

#include "reconcilers/environment/content_tag.hpp"
#include "reconcilers/environment/python_setup.hpp"

namespace kiln::cli {

LocalEnvironment local_environment(const api::EnvironmentSpec& spec,
                                   const std::string& local_python) {
  namespace env = reconcilers::environment;
  LocalEnvironment out;
  if (spec.base_image || spec.base_dockerfile) {
    out.warnings.push_back(
        "spec.baseImage/baseDockerfile: not used locally; kiln serve runs on this machine's "
        "Python " +
        local_python + " (kiln package builds the image)");
  }
  for (const auto& e : spec.env) out.env[e.name] = e.value;
  if (spec.extra_requirements) {
    if (spec.extra_requirements->requirements_file) {
      out.env["AZUREML_EXTRA_REQUIREMENTS_TXT"] = *spec.extra_requirements->requirements_file;
    }
    if (spec.extra_requirements->python_lib_path) {
      out.env["AZUREML_EXTRA_PYTHON_LIB_PATH"] = *spec.extra_requirements->python_lib_path;
    }
  }
  if (!spec.python) return out;
  const auto& py = *spec.python;
  if (auto pinned = env::pinned_python_version(spec)) {
    if (pinned->rfind(local_python, 0) != 0) {
      out.warnings.push_back("spec.python: pins Python " + *pinned + ", this machine serves with " +
                             local_python);
    }
  }
  out.user_managed = py.user_managed_dependencies.value_or(false);
  out.index_url = py.pip_index_url;
  if (py.pip) out.pip = *py.pip;
  if (py.conda_dependencies) {
    for (const auto& p : py.conda_dependencies->pip) out.pip.push_back(p);
    for (const auto& d : py.conda_dependencies->dependencies) {
      if (d.rfind("python", 0) == 0 &&
          (d.size() == 6 || d[6] == '=' || d[6] == '<' || d[6] == '>')) {
        continue;
      }
      out.warnings.push_back("spec.python.condaDependencies.dependencies: " + d +
                             " is a conda package; not installed locally (pip packages are)");
    }
  }
  if (py.conda_file) {
    out.warnings.push_back(
        "spec.python.condaFile: not installed locally; list the packages in python.pip");
  }
  return out;
}

std::string virtualenv_key(const LocalEnvironment& env, const std::string& python_identity) {
  std::string text =
      "kiln-serve-venv-v1\n" + python_identity + "\n" + env.index_url.value_or("") + "\n";
  for (const auto& p : env.pip) text += p + "\n";
  return reconcilers::environment::sha256_hex(text).substr(0, 16);
}

}  // namespace kiln::cli
