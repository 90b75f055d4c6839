#pragma once

// What a ModelPackage packages, from what the controller read (pure): the
// Environment's built image by digest, each Model reference pinned to a version
// and its model image, and the entry script's source directory. Or the first
// problem, with the condition it belongs to and whether waiting can fix it.
//
//   auto plan = plan_package(package, environment, models, config_map, "registry:5000");
//   if (auto* p = std::get_if<PackagePlan>(&plan)) render_package_on_image(p->environment_image,
//   ...)

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "crds/environment.hpp"
#include "crds/model_package.hpp"
#include "reconcilers/environment/environment_renderer.hpp"
#include "reconcilers/inference_service/model_resolution.hpp"

namespace kiln::reconcilers::model_package {

inline constexpr const char* kReady = "Ready";
inline constexpr const char* kEnvironmentReady = "EnvironmentReady";
inline constexpr const char* kModelsResolved = "ModelsResolved";

struct PackagePlan {
  std::string environment_image;  // repo@sha256:...
  std::vector<environment::PackagedModel> models;
  std::vector<api::ModelVersionStatus> model_versions;  // for status.modelVersions
  environment::PackageSources sources;
  std::string repository;  // where the image (or the context) goes (host[:port]/path)
  api::PackageFormat format = api::PackageFormat::image;
};

struct PackageProblem {
  std::string condition;  // kEnvironmentReady, kModelsResolved or kReady
  std::string reason;
  std::string message;
  // True: something else must happen first (an Environment builds, a Model
  // registers, a ConfigMap appears): Pending, looked at again. False: the spec
  // itself is wrong: Failed until it changes.
  bool waiting = true;
  bool operator==(const PackageProblem&) const = default;
};

// Shared by all packages, like kiln/environments: the tag is a content hash, so
// identical packages (in any namespace) are one image and one build.
inline constexpr const char* kPackageRepositoryPath = "kiln/packages";
// Build contexts (output.format DockerContext), stored as one-layer images.
inline constexpr const char* kContextRepositoryPath = "kiln/package-contexts";

// <registry>/kiln/packages (kiln/package-contexts for DockerContext) unless
// spec.output.repository says otherwise.
std::string package_repository(const api::ModelPackage& package, const std::string& registry);

// The source directory: inline (one file, the entry script) or a ConfigMap's
// data (each key a file). `config_map` is the ConfigMap named by
// source.configMap (nullopt when it does not exist).
std::variant<environment::PackageSources, PackageProblem> package_sources(
    const api::InferenceConfig& config, const std::optional<nlohmann::json>& config_map);

// `package` with its defaults applied; `environment` the one named by
// spec.environmentRef (nullopt: not found); `models` the Models of the namespace by name.
std::variant<PackagePlan, PackageProblem> plan_package(
    const api::ModelPackage& package, const std::optional<api::Environment>& environment,
    const inference_service::ModelsByName& models, const std::optional<nlohmann::json>& config_map,
    const std::string& registry);

}  // namespace kiln::reconcilers::model_package
