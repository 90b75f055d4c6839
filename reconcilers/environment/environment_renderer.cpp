#include "reconcilers/environment/environment_renderer.hpp"

#include "reconcilers/environment/base_dockerfile.hpp"
#include "reconcilers/environment/dockerfile_text.hpp"
#include "reconcilers/environment/python_setup.hpp"

namespace kiln::reconcilers::environment {

extern const char* const kBasePythonScript;
extern const char* const kInstallServeScript;

namespace {

constexpr const char* kEnvDir = "/opt/kiln/env";
constexpr const char* kContextDir = "/opt/kiln/context";
constexpr const char* kWheelsDir = "/opt/kiln/wheels";
constexpr const char* kServeDir = "/opt/kiln/serve";
constexpr const char* kLauncher = "/opt/kiln/bin/kiln-serve";
constexpr const char* kWheelsStage = "kiln-serve-wheels";

std::vector<std::string> pip_requirements(const api::EnvironmentSpec& spec) {
  if (spec.python && spec.python->pip) return *spec.python->pip;
  return {};
}

std::optional<std::string> index_url(const api::EnvironmentSpec& spec,
                                     const RenderOptions& options) {
  if (spec.python && spec.python->pip_index_url) return spec.python->pip_index_url;
  return options.pip_index_url;
}

std::string pip_install(const api::EnvironmentSpec& spec, const RenderOptions& options) {
  std::string command = std::string("RUN ") + kEnvDir +
                        "/bin/python -m pip install --no-cache-dir --disable-pip-version-check";
  if (auto url = index_url(spec, options)) {
    command += " --index-url " + shell_quote(*url);
    // pip ignores a plain-HTTP index unless its host is trusted by name.
    if (url->rfind("http://", 0) == 0) {
      const auto host = url->substr(7, url->find_first_of(":/", 7) - 7);
      command += " --trusted-host " + shell_quote(host);
    }
  }
  return command + " -r " + kContextDir + "/requirements.txt\n";
}

bool has_python_dependency(const std::vector<std::string>& dependencies) {
  api::EnvironmentSpec probe;
  for (const auto& d : dependencies) {
    probe.python = api::PythonSettings{};
    probe.python->conda_dependencies = api::CondaDependencies{{}, {d}, {}};
    if (pinned_python_version(probe)) return true;
    if (d == "python") return true;
  }
  return false;
}

// A conda environment file. Strings are JSON-quoted, which YAML reads as they are.
std::string conda_file(const api::CondaDependencies& conda, const std::string& python_version) {
  auto q = [](const std::string& s) { return nlohmann::json(s).dump(); };
  std::string out = "name: kiln\n";
  if (!conda.channels.empty()) {
    out += "channels:\n";
    for (const auto& c : conda.channels) out += "  - " + q(c) + "\n";
  }
  out += "dependencies:\n";
  if (!has_python_dependency(conda.dependencies))
    out += "  - " + q("python=" + python_version) + "\n";
  bool has_pip = false;
  for (const auto& d : conda.dependencies) {
    out += "  - " + q(d) + "\n";
    if (d == "pip" || d.rfind("pip=", 0) == 0 || d.rfind("pip>", 0) == 0) has_pip = true;
  }
  if (!conda.pip.empty()) {
    if (!has_pip) out += "  - \"pip\"\n";
    out += "  - pip:\n";
    for (const auto& p : conda.pip) out += "      - " + q(p) + "\n";
  }
  return out;
}

struct Rendering {
  BuildContext context;
  std::string dockerfile;
  std::string error;
};

std::string env_lines(const std::vector<std::pair<std::string, std::string>>& vars,
                      std::string& error) {
  std::string out;
  for (const auto& [name, value] : vars) {
    auto quoted = env_value(value);
    if (!quoted) {
      error = "environment variable " + name +
              ": a value with a line break cannot be set in an image (ENV); set it on the "
              "InferenceService instead";
      return {};
    }
    out += "ENV " + name + "=" + *quoted + "\n";
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> user_env(const api::EnvironmentSpec& spec) {
  std::vector<std::pair<std::string, std::string>> vars;
  for (const auto& v : spec.env) vars.emplace_back(v.name, v.value);
  if (spec.extra_requirements) {
    if (spec.extra_requirements->requirements_file) {
      vars.emplace_back("AZUREML_EXTRA_REQUIREMENTS_TXT",
                        *spec.extra_requirements->requirements_file);
    }
    if (spec.extra_requirements->python_lib_path) {
      vars.emplace_back("AZUREML_EXTRA_PYTHON_LIB_PATH", *spec.extra_requirements->python_lib_path);
    }
  }
  return vars;
}

std::string header(const RenderOptions& options) {
  return "# Rendered by Kiln from an Environment (kiln-serve " + options.serve_version +
         "). Kiln builds exactly this; `docker build .` builds it too.\n";
}

// FROM Kiln's runtime image; pip packages into its virtualenv.
void render_runtime(const api::EnvironmentSpec& spec, const RenderOptions& options,
                    const std::optional<std::string>& pinned_base, Rendering& r) {
  if (spec.python && spec.python->version &&
      *spec.python->version != options.default_python_version &&
      spec.python->version->rfind(options.default_python_version + ".", 0) != 0) {
    r.error = "python.version " + *spec.python->version + ": Kiln's default image has Python " +
              options.default_python_version +
              "; for another version set baseImage (for example python:" + *spec.python->version +
              "-slim) or use condaDependencies with a conda base image";
    return;
  }
  r.dockerfile += header(options);
  r.dockerfile += "FROM " + pinned_base.value_or(options.default_base_image) + "\n";
  auto pip = pip_requirements(spec);
  if (!pip.empty()) {
    r.context.files["kiln/requirements.txt"] = lines(pip);
    r.dockerfile +=
        std::string("COPY kiln/requirements.txt ") + kContextDir + "/requirements.txt\n";
    r.dockerfile += pip_install(spec, options);
  }
}

// FROM a custom base image or baseDockerfile; kiln-serve for the image's own Python.
void render_custom(const api::EnvironmentSpec& spec, const RenderOptions& options,
                   const std::optional<std::string>& pinned_base, PythonSetup setup, Rendering& r) {
  std::string from;
  std::string base_stage;
  if (spec.base_dockerfile) {
    auto stage = name_last_stage(*spec.base_dockerfile);
    if (!stage.error.empty()) {
      r.error = stage.error;
      return;
    }
    base_stage = stage.dockerfile;
    from = stage.stage_name;
  } else if (spec.base_image) {
    from = pinned_base.value_or(*spec.base_image);
  } else {
    from = pinned_base.value_or(options.default_base_image);
  }
  r.dockerfile += header(options);
  r.dockerfile += base_stage;  // first, so its global ARGs stay before every FROM
  r.dockerfile += "FROM " + options.serve_wheels_image + " AS " + kWheelsStage + "\n";
  r.dockerfile += "FROM " + from + "\n";
  r.dockerfile += std::string("COPY --from=") + kWheelsStage + " /wheels " + kWheelsDir + "\n";
  r.context.files["kiln/base_python.sh"] = kBasePythonScript;
  r.context.files["kiln/install_serve.py"] = kInstallServeScript;
  const std::string install_args = std::string(kContextDir) + "/install_serve.py " + kWheelsDir +
                                   " " + kServeDir + " " + kLauncher;
  auto pip = pip_requirements(spec);
  if (!pip.empty()) r.context.files["kiln/requirements.txt"] = lines(pip);

  if (setup == PythonSetup::conda_env) {
    const auto& python = *spec.python;
    std::string python_version = python.version.value_or(options.default_python_version);
    r.context.files["kiln/conda.yml"] =
        python.conda_file ? *python.conda_file
                          : conda_file(*python.conda_dependencies, python_version);
  }
  r.dockerfile += std::string("COPY kiln/ ") + kContextDir + "/\n";

  switch (setup) {
    case PythonSetup::conda_env: {
      std::string env_prefix;
      if (auto url = index_url(spec, options))
        env_prefix = "PIP_INDEX_URL=" + shell_quote(*url) + " ";
      r.dockerfile +=
          "RUN command -v conda >/dev/null || { echo 'kiln: condaDependencies need conda in the "
          "base image, and it has none on its PATH; use python.pip instead, or a conda base "
          "image' >&2; exit 1; } \\\n"
          " && " +
          env_prefix + "conda env create --prefix " + kEnvDir + " --file " + kContextDir +
          "/conda.yml \\\n && conda clean --all --yes\n";
      r.dockerfile += std::string("RUN ") + kEnvDir + "/bin/python " + install_args + "\n";
      break;
    }
    case PythonSetup::base_venv:
      r.dockerfile +=
          std::string("RUN sh ") + kContextDir + "/base_python.sh venv " + kEnvDir + "\n";
      r.dockerfile += std::string("RUN ") + kEnvDir + "/bin/python " + install_args + "\n";
      if (!pip.empty()) r.dockerfile += pip_install(spec, options);
      break;
    case PythonSetup::user_managed:
      r.dockerfile +=
          std::string("RUN sh ") + kContextDir + "/base_python.sh exec " + install_args + "\n";
      break;
    case PythonSetup::runtime_venv:
      break;
  }
  r.dockerfile += std::string("RUN rm -rf ") + kWheelsDir + "\n";
  if (setup != PythonSetup::user_managed) {
    r.dockerfile += std::string("ENV VIRTUAL_ENV=") + kEnvDir + "\n";
    r.dockerfile += std::string("ENV PATH=") + kEnvDir + "/bin:$PATH\n";
  }
}

std::string trailer() {
  return std::string("ENV AML_APP_ROOT=\"") + kAppRoot + "\"\nWORKDIR " + kAppRoot +
         "\nEXPOSE 5001\nCMD " + exec_form({kLauncher}) + "\n";
}

Rendering render_base(const api::EnvironmentSpec& spec, const RenderOptions& options,
                      const std::optional<std::string>& pinned_base) {
  Rendering r;
  auto setup = choose_python_setup(spec);
  if (setup == PythonSetup::runtime_venv) {
    render_runtime(spec, options, pinned_base, r);
  } else {
    render_custom(spec, options, pinned_base, setup, r);
  }
  if (!r.error.empty()) return r;
  r.dockerfile += env_lines(user_env(spec), r.error);
  if (setup != PythonSetup::runtime_venv) r.dockerfile += trailer();
  return r;
}

RenderResult finish(Rendering r) {
  RenderResult result;
  if (!r.error.empty()) {
    result.error = r.error;
    return result;
  }
  r.context.files[kDockerfile] = r.dockerfile;
  result.context = std::move(r.context);
  return result;
}

bool is_safe_relative_path(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.find('\\') != std::string::npos) return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    auto part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

RenderResult render_environment(const api::EnvironmentSpec& spec, const RenderOptions& options,
                                const std::optional<std::string>& pinned_base) {
  return finish(render_base(spec, options, pinned_base));
}

namespace {

// Models, the source directory and the variables kiln-serve reads, on top of an
// image that already has the environment.
void add_package_layers(const std::vector<PackagedModel>& models, const PackageSources& sources,
                        Rendering& r) {
  if (!is_safe_relative_path(sources.entry_script)) {
    r.error = "entry script " + sources.entry_script + ": must be a relative path";
    return;
  }
  if (!sources.files.contains(sources.entry_script)) {
    r.error = "entry script " + sources.entry_script + " is not in the source directory";
    return;
  }
  const std::string models_dir = std::string(kAppRoot) + "/azureml-models";
  for (const auto& model : models) {
    r.dockerfile += "COPY --from=" + model.image + " / " + models_dir + "/" + model.name + "/" +
                    std::to_string(model.version) + "/\n";
  }
  for (const auto& [path, content] : sources.files) {
    if (!is_safe_relative_path(path)) {
      r.error = "source file " + path + ": must be a relative path inside the source directory";
      return;
    }
    r.context.files["app/" + path] = content;
  }
  r.dockerfile += std::string("COPY app/ ") + kAppRoot + "/\n";
  // One model: AZUREML_MODEL_DIR is its version directory, as Azure ML sets it.
  std::string model_dir = models.size() == 1 ? models_dir + "/" + models[0].name + "/" +
                                                   std::to_string(models[0].version)
                                             : models_dir;
  r.dockerfile += env_lines({{"AZUREML_ENTRY_SCRIPT", sources.entry_script},
                             {"AZUREML_MODEL_DIR", model_dir},
                             {"AML_APP_ROOT", kAppRoot}},
                            r.error);
}

}  // namespace

RenderResult render_model_package(const api::EnvironmentSpec& spec,
                                  const std::vector<PackagedModel>& models,
                                  const PackageSources& sources, const RenderOptions& options,
                                  const std::optional<std::string>& pinned_base) {
  Rendering r = render_base(spec, options, pinned_base);
  if (!r.error.empty()) return finish(std::move(r));
  add_package_layers(models, sources, r);
  if (!r.error.empty()) return finish(std::move(r));
  if (choose_python_setup(spec) == PythonSetup::runtime_venv) {
    r.dockerfile += std::string("WORKDIR ") + kAppRoot + "\n";
  }
  return finish(std::move(r));
}

RenderResult render_package_on_image(const std::string& environment_image,
                                     const std::vector<PackagedModel>& models,
                                     const PackageSources& sources, const RenderOptions& options) {
  Rendering r;
  if (environment_image.find("@sha256:") == std::string::npos) {
    r.error = "the environment image " + environment_image +
              " has no digest; a package is built only on an image pinned by digest";
    return finish(std::move(r));
  }
  r.dockerfile = "# Rendered by Kiln from a ModelPackage (kiln-serve " + options.serve_version +
                 ") on its Environment's image.\n";
  r.dockerfile += "FROM " + environment_image + "\n";
  add_package_layers(models, sources, r);
  if (!r.error.empty()) return finish(std::move(r));
  r.dockerfile += std::string("WORKDIR ") + kAppRoot + "\n";
  return finish(std::move(r));
}

}  // namespace kiln::reconcilers::environment
