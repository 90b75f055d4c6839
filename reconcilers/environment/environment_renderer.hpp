#pragma once

// Environment (+ for a ModelPackage: models and entry script) -> build context.
// Pure and deterministic to the byte: the same inputs render the same files.
//
// Layout inside the image:
//   /opt/kiln/env        the Python environment kiln-serve embeds and the packages live in
//   /opt/kiln/serve      kiln-serve, unpacked from the wheel of that Python's ABI
//   /opt/kiln/bin/kiln-serve  the launcher (CMD)
//   /var/azureml-app     AML_APP_ROOT: entry script and, for packages, the models

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crds/environment.hpp"
#include "reconcilers/environment/build_context.hpp"
#include "reconcilers/environment/render_options.hpp"

namespace kiln::reconcilers::environment {

inline constexpr const char* kAppRoot = "/var/azureml-app";

// `pinned_base`: the base image resolved to repo@sha256:... by the controller;
// the Dockerfile builds FROM it so the build uses exactly what the tag names.
RenderResult render_environment(const api::EnvironmentSpec& spec, const RenderOptions& options,
                                const std::optional<std::string>& pinned_base = std::nullopt);

// A model in a package: its content-addressed model image, copied to
// /var/azureml-app/azureml-models/<name>/<version>/.
struct PackagedModel {
  std::string name;
  std::int64_t version = 0;
  std::string image;  // repo@sha256:...
};

// The entry script's source directory, file by file (relative paths).
struct PackageSources {
  std::string entry_script = "score.py";
  std::map<std::string, std::string> files;
};

// The seeds' Model.package: the environment's image plus models and entry script.
RenderResult render_model_package(const api::EnvironmentSpec& spec,
                                  const std::vector<PackagedModel>& models,
                                  const PackageSources& sources, const RenderOptions& options,
                                  const std::optional<std::string>& pinned_base = std::nullopt);

// A ModelPackage's image (what the ModelPackage controller builds): FROM the
// Environment's built image (repo@sha256:..., so the environment itself is
// built once, by the Environment), plus the models, the source directory and
// AZUREML_ENTRY_SCRIPT / AZUREML_MODEL_DIR. An image without a digest is an error.
RenderResult render_package_on_image(const std::string& environment_image,
                                     const std::vector<PackagedModel>& models,
                                     const PackageSources& sources, const RenderOptions& options);

}  // namespace kiln::reconcilers::environment
