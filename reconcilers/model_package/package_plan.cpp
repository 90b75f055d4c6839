#include "reconcilers/model_package/package_plan.hpp"

#include "reconcilers/inference_service/problem.hpp"

namespace kiln::reconcilers::model_package {
namespace {

std::string ready_message(const api::Environment& environment) {
  const auto ready = inference_service::condition_in(environment.status.conditions, kReady);
  return ready.is_object() ? ready.value("message", "") : "";
}

// The Environment's current image by digest, or why there is none.
std::variant<std::string, PackageProblem> environment_image(
    const std::optional<api::Environment>& environment, const std::string& who,
    const std::string& name) {
  if (!environment) {
    return PackageProblem{kEnvironmentReady, "EnvironmentNotFound",
                          who + " does not exist; create it or fix spec.environmentRef"};
  }
  const auto& status = environment->status;
  const auto phase = status.phase.value_or(api::BuildPhase::pending);
  const auto generation = api::meta_generation(environment->metadata);
  if (phase == api::BuildPhase::failed) {
    const std::string why = ready_message(*environment);
    return PackageProblem{kEnvironmentReady, "EnvironmentBuildFailed",
                          who + "'s image build failed" + (why.empty() ? "" : ": " + why) +
                              "; fix the Environment (kubectl describe environment " + name +
                              "); the package builds once it is Ready"};
  }
  // Ready for the current spec: a package is never built on an older image.
  if (phase != api::BuildPhase::ready || !status.image || status.image->empty() ||
      status.observed_generation.value_or(0) != generation) {
    return PackageProblem{kEnvironmentReady, "EnvironmentBuilding",
                          who + "'s image is not built yet (phase " +
                              std::string(api::to_string(phase)) +
                              "); the package builds when it is Ready"};
  }
  if (status.image->find("@sha256:") == std::string::npos) {
    return PackageProblem{kEnvironmentReady, "ImageNotPinned",
                          who + " reports image " + *status.image +
                              " without a digest; Kiln builds on images by digest only",
                          false};
  }
  return *status.image;
}

}  // namespace

std::string package_repository(const api::ModelPackage& package, const std::string& registry) {
  if (package.spec.output && package.spec.output->repository) {
    return *package.spec.output->repository;
  }
  const bool context =
      package.spec.output && package.spec.output->format == api::PackageFormat::docker_context;
  return registry + "/" + (context ? kContextRepositoryPath : kPackageRepositoryPath);
}

std::variant<environment::PackageSources, PackageProblem> package_sources(
    const api::InferenceConfig& config, const std::optional<nlohmann::json>& config_map) {
  environment::PackageSources sources;
  sources.entry_script = config.entry_script.value_or("score.py");
  const auto& source = config.source;
  if (source.inline_script) {
    sources.files[sources.entry_script] = *source.inline_script;
    return sources;
  }
  if (source.config_map) {
    const std::string name = source.config_map->name;
    if (!config_map) {
      return PackageProblem{kReady, "ScriptConfigMapNotFound",
                            "ConfigMap " + name +
                                " (spec.inferenceConfig.source.configMap) does not exist; create "
                                "it with the entry script and its files"};
    }
    if (config_map->contains("binaryData") && !config_map->at("binaryData").empty()) {
      return PackageProblem{kReady, "ScriptSourceUnsupported",
                            "ConfigMap " + name +
                                " has binaryData keys; a package takes text files (data) only: "
                                "move binary assets into a Model",
                            false};
    }
    if (auto data = config_map->find("data"); data != config_map->end() && data->is_object()) {
      for (auto it = data->begin(); it != data->end(); ++it) {
        if (it->is_string()) sources.files[it.key()] = it->get<std::string>();
      }
    }
    return sources;
  }
  return PackageProblem{kReady, "ScriptSourceUnsupported",
                        "spec.inferenceConfig.source.uri is not supported for packages yet; use "
                        "inline or configMap",
                        false};
}

std::variant<PackagePlan, PackageProblem> plan_package(
    const api::ModelPackage& package, const std::optional<api::Environment>& environment,
    const inference_service::ModelsByName& models, const std::optional<nlohmann::json>& config_map,
    const std::string& registry) {
  const auto& spec = package.spec;
  const std::string ns = api::meta_namespace(package.metadata);
  if (spec.output && spec.output->pvc) {
    return PackageProblem{kReady, "OutputNotSupported",
                          "output.pvc is not written by the cluster yet; remove it to store the "
                          "context in the registry (status.contextUri), or use `kiln package` "
                          "to write it locally",
                          false};
  }
  PackagePlan plan;
  auto image = environment_image(environment, "Environment " + ns + "/" + spec.environment_ref.name,
                                 spec.environment_ref.name);
  if (auto* problem = std::get_if<PackageProblem>(&image)) return *problem;
  plan.environment_image = std::get<std::string>(image);

  auto resolved = inference_service::resolve_models(spec.models, models, ns);
  if (auto* problem = std::get_if<inference_service::Problem>(&resolved)) {
    return PackageProblem{kModelsResolved, problem->reason, problem->message};
  }
  for (const auto& m : std::get<std::vector<inference_service::ResolvedModel>>(resolved)) {
    plan.models.push_back({m.name, m.version, m.image});
    plan.model_versions.push_back({m.name, m.version, m.digest});
  }

  auto sources = package_sources(spec.inference_config, config_map);
  if (auto* problem = std::get_if<PackageProblem>(&sources)) return *problem;
  plan.sources = std::get<environment::PackageSources>(sources);
  plan.repository = package_repository(package, registry);
  if (spec.output && spec.output->format) plan.format = *spec.output->format;
  return plan;
}

}  // namespace kiln::reconcilers::model_package
