#include "reconcilers/inference_service/status.hpp"

#include "operator/runtime/conditions.hpp"
#include "reconcilers/inference_service/exposure.hpp"
#include "reconcilers/inference_service/names.hpp"
#include "reconcilers/inference_service/rollout.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

using nlohmann::json;

runtime::Condition make(const std::string& type, bool ok, const std::string& ok_reason,
                        const std::string& ok_message, const std::optional<Problem>& problem,
                        std::int64_t generation) {
  if (ok) return {type, "True", ok_reason, ok_message, generation};
  return {type, "False", problem ? problem->reason : "Unknown", problem ? problem->message : "",
          generation};
}

std::string versions_text(const std::vector<ResolvedModel>& models) {
  std::string text;
  for (const auto& m : models) {
    text += (text.empty() ? "" : ", ") + m.name + " v" + std::to_string(m.version);
  }
  return text;
}

}  // namespace

api::InferenceServiceStatus compute_status(const StatusInputs& in) {
  const auto& service = in.service;
  const auto& d = in.desired;
  const std::string name = api::meta_name(service.metadata);
  const std::string ns = api::meta_namespace(service.metadata);
  const std::int64_t generation = api::meta_generation(service.metadata);

  api::InferenceServiceStatus status = service.status;
  status.observed_generation = generation;
  const std::string base = base_url(service, in.options);
  status.scoring_uri = base + "/score";
  status.swagger_uri = base + "/swagger.json";
  status.keys_secret_name =
      d.keys.secret_name.empty() ? std::nullopt : std::optional<std::string>(d.keys.secret_name);
  status.primary_key_rotated_at = d.keys.primary_rotated_at;
  status.secondary_key_rotated_at = d.keys.secondary_rotated_at;

  const auto autoscaling = api::effective_autoscaling(service.spec);
  const Rollout rollout =
      assess_rollout(in.workload, autoscaling && in.workload.is_object() &&
                                          in.workload.value("kind", "") == "Deployment"
                                      ? autoscaling->min_replicas.value_or(1)
                                      : 0);
  status.replicas = rollout.ready_replicas;
  const bool current = d.workload_applied && rollout.complete;
  if (current) {
    status.image = d.image;
    status.model_versions.clear();
    for (const auto& m : d.models) status.model_versions.push_back({m.name, m.version, m.digest});
  }

  std::optional<Problem> workload_problem = rollout.problem;
  if (!rollout.complete) {
    if (auto diagnosis = diagnose_pods(in.pods)) workload_problem = diagnosis;
  }

  json conditions = json::object();
  conditions["conditions"] = status.conditions;
  auto set = [&](const runtime::Condition& c) { runtime::set_condition(conditions, c, in.now); };
  set(make("ModelsReady", !d.models_problem, "Resolved",
           d.models_problem ? "" : "model versions " + versions_text(d.models), d.models_problem,
           generation));
  set(make("ImageReady", !d.image_problem, "Resolved", d.image_problem ? "" : "image " + d.image,
           d.image_problem, generation));
  const bool available = rollout.ready_replicas > 0;
  set(make("Available", available, "ReplicasAvailable",
           std::to_string(rollout.ready_replicas) + " replicas answering", workload_problem,
           generation));

  std::optional<Problem> not_ready = d.models_problem     ? d.models_problem
                                     : d.image_problem    ? d.image_problem
                                     : d.script_problem   ? d.script_problem
                                     : d.keys.problem     ? d.keys.problem
                                     : d.exposure_problem ? d.exposure_problem
                                                          : workload_problem;
  const bool ready = current && !not_ready;
  if (!ready && !not_ready) {
    not_ready = Problem{"RollingOut", "waiting for the current generation to roll out"};
  }
  set(make("Ready", ready, "Serving", "serving at " + *status.scoring_uri, not_ready, generation));
  status.conditions = conditions["conditions"];
  return status;
}

bool status_changed(const api::InferenceServiceStatus& before,
                    const api::InferenceServiceStatus& after) {
  return !(before == after);
}

namespace {

bool first_rollout_step(const json& ready) {
  if (!ready.is_object()) return true;  // never reported
  const std::string reason = ready.value("reason", "");
  return ready.value("status", "") != "True" &&
         (reason == "RolloutPending" || reason == "WorkloadMissing" || reason == "RollingOut" ||
          reason == "NoReplicasAvailable");
}

}  // namespace

bool worth_writing(const api::InferenceServiceStatus& before,
                   const api::InferenceServiceStatus& after) {
  if (!status_changed(before, after)) return false;
  const json now = condition_in(after.conditions, "Ready");
  return condition_in(before.conditions, "Ready").is_object() || !now.is_object() ||
         now.value("reason", "") != "RolloutPending";
}

bool worth_an_event(const api::InferenceServiceStatus& before,
                    const api::InferenceServiceStatus& after) {
  const json was = condition_in(before.conditions, "Ready");
  const json now = condition_in(after.conditions, "Ready");
  if (!now.is_object()) return false;
  if (was.is_object() && was.value("reason", "") == now.value("reason", "") &&
      was.value("status", "") == now.value("status", "")) {
    return false;
  }
  return !(first_rollout_step(was) && first_rollout_step(now));
}

}  // namespace kiln::reconcilers::inference_service
