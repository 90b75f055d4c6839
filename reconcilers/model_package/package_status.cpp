#include "reconcilers/model_package/package_status.hpp"

#include "operator/runtime/conditions.hpp"
#include "reconcilers/inference_service/problem.hpp"

namespace kiln::reconcilers::model_package {
namespace {

void set(api::ModelPackageStatus& status, const std::string& type, bool is_true,
         const std::string& reason, const std::string& message, std::int64_t generation,
         std::chrono::system_clock::time_point now) {
  nlohmann::json holder = {{"conditions", status.conditions}};
  runtime::set_condition(holder, {type, is_true ? "True" : "False", reason, message, generation},
                         now);
  status.conditions = holder["conditions"];
}

}  // namespace

api::EnvironmentStatus build_view(const api::ModelPackageStatus& status) {
  api::EnvironmentStatus view;
  view.observed_generation = status.observed_generation;
  view.phase = status.phase;
  view.image = status.image;
  view.tag = status.tag;
  view.build_job = status.build_job;
  view.build_log_tail = status.build_log_tail;
  // Only Ready: decide_build owns it; the package's other conditions stay here.
  nlohmann::json ready = inference_service::condition_in(status.conditions, kReady);
  view.conditions = nlohmann::json::array();
  if (ready.is_object()) view.conditions.push_back(ready);
  return view;
}

api::ModelPackageStatus problem_status(const api::ModelPackageStatus& previous,
                                       std::int64_t generation, const PackageProblem& problem,
                                       std::chrono::system_clock::time_point now) {
  api::ModelPackageStatus status = previous;  // image: the last good one
  status.observed_generation = generation;
  status.phase = problem.waiting ? api::BuildPhase::pending : api::BuildPhase::failed;
  status.build_log_tail.reset();
  if (problem.condition == kModelsResolved) {
    set(status, kEnvironmentReady, true, "EnvironmentReady", "the Environment's image is built",
        generation, now);
  }
  if (problem.condition != kReady) {
    set(status, problem.condition, false, problem.reason, problem.message, generation, now);
  }
  set(status, kReady, false, problem.reason, problem.message, generation, now);
  return status;
}

api::ModelPackageStatus build_status(const api::ModelPackageStatus& previous,
                                     std::int64_t generation,
                                     const environment::BuildDecision& decision,
                                     const std::vector<api::ModelVersionStatus>& model_versions,
                                     std::chrono::system_clock::time_point now) {
  api::ModelPackageStatus status = previous;
  const auto& built = decision.status;
  status.observed_generation = generation;
  status.phase = built.phase;
  status.image = built.image;
  status.tag = built.tag;
  status.build_job = built.build_job;
  status.build_log_tail = built.build_log_tail;
  status.model_versions = model_versions;
  set(status, kEnvironmentReady, true, "EnvironmentReady", "the Environment's image is built",
      generation, now);
  set(status, kModelsResolved, true, "ModelsResolved", "every Model reference has a version",
      generation, now);
  nlohmann::json ready = inference_service::condition_in(built.conditions, kReady);
  if (ready.is_object()) {
    for (auto& c : status.conditions) {
      if (c.value("type", "") == kReady) c = ready;
    }
    if (!inference_service::condition_in(status.conditions, kReady).is_object()) {
      status.conditions.push_back(ready);
    }
  }
  return status;
}

api::ModelPackageStatus context_stored_status(
    const api::ModelPackageStatus& previous, std::int64_t generation, const std::string& tag,
    const std::string& context_uri, const std::vector<api::ModelVersionStatus>& model_versions,
    std::chrono::system_clock::time_point now) {
  api::ModelPackageStatus status = previous;
  status.observed_generation = generation;
  status.phase = api::BuildPhase::ready;
  status.tag = tag;
  status.context_uri = context_uri;
  status.build_job.reset();
  status.build_log_tail.reset();
  status.model_versions = model_versions;
  set(status, kEnvironmentReady, true, "EnvironmentReady", "the Environment's image is built",
      generation, now);
  set(status, kModelsResolved, true, "ModelsResolved", "every Model reference has a version",
      generation, now);
  set(status, kReady, true, "ContextStored",
      "the build context is " + context_uri +
          "; kiln-fetch pull --image <it without oci://> --dest ./ctx, then docker build ./ctx",
      generation, now);
  return status;
}

}  // namespace kiln::reconcilers::model_package
