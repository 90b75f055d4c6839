#include "reconcilers/inference_service/rollout.hpp"

#include <algorithm>
#include <string>

#include "operator/kube/api_time.hpp"
#include "operator/kube/json_member.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

using kube::json_integer;
using kube::json_member;
using kube::json_string;
using nlohmann::json;

const json* condition(const json& status, const std::string& type) {
  if (!status.is_object() || !status.contains("conditions")) return nullptr;
  for (const auto& c : status["conditions"]) {
    if (c.value("type", "") == type) return &c;
  }
  return nullptr;
}

std::string progress(std::int64_t updated, std::int64_t available, std::int64_t desired,
                     std::int64_t total) {
  std::string m = std::to_string(updated) + " of " + std::to_string(desired) +
                  " replicas run the current version, " + std::to_string(available) + " available";
  if (total > updated) m += ", " + std::to_string(total - updated) + " old still running";
  return m;
}

Rollout assess_deployment(const json& d, std::int32_t minimum_replicas) {
  Rollout r;
  const json& spec = json_member(d, "spec");
  const json& status = json_member(d, "status");
  const std::int64_t desired = std::max<std::int64_t>(
      spec.contains("replicas") ? json_integer(spec, "replicas") : 1, minimum_replicas);
  const std::int64_t generation = json_integer(json_member(d, "metadata"), "generation");
  const std::int64_t observed = json_integer(status, "observedGeneration");
  const std::int64_t updated = json_integer(status, "updatedReplicas");
  const std::int64_t available = json_integer(status, "availableReplicas");
  const std::int64_t total = json_integer(status, "replicas");
  r.ready_replicas = static_cast<std::int32_t>(json_integer(status, "readyReplicas"));
  if (observed < generation) {
    r.problem =
        Problem{"RolloutPending", "the Deployment's generation " + std::to_string(generation) +
                                      " is not yet picked up by its controller"};
    return r;
  }
  if (desired == 0) {
    r.problem = Problem{"ScaledToZero", "spec.replicas is 0; set it to 1 or more to serve"};
    return r;
  }
  if (const auto* failure = condition(status, "ReplicaFailure");
      failure && failure->value("status", "") == "True") {
    const std::string message = failure->value("message", "");
    const bool quota = message.find("exceeded quota") != std::string::npos;
    r.problem = Problem{quota ? "QuotaExceeded" : "ReplicaFailure",
                        "pods cannot be created: " + message +
                            (quota ? "; raise the namespace's ResourceQuota or lower "
                                     "spec.resources / replicas"
                                   : "")};
    return r;
  }
  if (const auto* progressing = condition(status, "Progressing");
      progressing && progressing->value("reason", "") == "ProgressDeadlineExceeded") {
    r.problem = Problem{"RolloutStuck", "the rollout made no progress for 10 minutes (" +
                                            progress(updated, available, desired, total) + ")"};
    return r;
  }
  if (updated < desired || total > updated || available < desired) {
    r.problem = Problem{available == 0 ? "NoReplicasAvailable" : "RollingOut",
                        progress(updated, available, desired, total)};
    return r;
  }
  r.complete = true;
  return r;
}

Rollout assess_daemon_set(const json& d) {
  Rollout r;
  const json& status = json_member(d, "status");
  const std::int64_t generation = json_integer(json_member(d, "metadata"), "generation");
  const std::int64_t observed = json_integer(status, "observedGeneration");
  const std::int64_t desired = json_integer(status, "desiredNumberScheduled");
  const std::int64_t updated = json_integer(status, "updatedNumberScheduled");
  const std::int64_t available = json_integer(status, "numberAvailable");
  r.ready_replicas = static_cast<std::int32_t>(json_integer(status, "numberReady"));
  if (observed < generation) {
    r.problem =
        Problem{"RolloutPending", "the DaemonSet's generation " + std::to_string(generation) +
                                      " is not yet picked up by its controller"};
    return r;
  }
  if (desired == 0) {
    r.problem = Problem{"NoEdgeNodes",
                        "no node is labelled kiln.dev/edge=true; label the edge nodes "
                        "(kubectl label node NAME kiln.dev/edge=true)"};
    return r;
  }
  if (updated < desired || available < desired || json_integer(status, "numberUnavailable") > 0) {
    r.problem = Problem{available == 0 ? "NoReplicasAvailable" : "RollingOut",
                        std::to_string(updated) + " of " + std::to_string(desired) +
                            " edge nodes run the current version, " + std::to_string(available) +
                            " available"};
    return r;
  }
  r.complete = true;
  return r;
}

}  // namespace

Rollout assess_rollout(const json& workload, std::int32_t minimum_replicas) {
  if (!workload.is_object()) {
    return Rollout{false, 0, Problem{"WorkloadMissing", "the workload is not created yet"}};
  }
  if (workload.value("kind", "") == "DaemonSet") return assess_daemon_set(workload);
  return assess_deployment(workload, minimum_replicas);
}

bool worth_diagnosing(const json& workload, std::chrono::system_clock::time_point now,
                      std::chrono::seconds grace) {
  if (!workload.is_object()) return false;
  const json& status = json_member(workload, "status");
  if (json_integer(status, "replicas") + json_integer(status, "currentNumberScheduled") +
          json_integer(status, "numberMisscheduled") ==
      0) {
    return false;
  }
  std::string since = json_string(json_member(workload, "metadata"), "creationTimestamp");
  if (const auto* progressing = condition(status, "Progressing")) {
    since = progressing->value("lastUpdateTime", since);
  }
  const auto started = kube::parse_api_time(since);
  return !started || now - *started >= grace;
}

std::optional<Problem> diagnose_pods(const std::vector<json>& pods) {
  std::optional<Problem> unschedulable;
  for (const auto& pod : pods) {
    const json& status = json_member(pod, "status");
    const std::string pod_name = json_string(json_member(pod, "metadata"), "name");
    for (const char* list : {"initContainerStatuses", "containerStatuses"}) {
      if (!status.contains(list) || !status[list].is_array()) continue;
      for (const auto& c : status[list]) {
        const json waiting = c.value("state", json::object()).value("waiting", json::object());
        const std::string reason = waiting.value("reason", "");
        if (reason == "CrashLoopBackOff") {
          const json last =
              c.value("lastState", json::object()).value("terminated", json::object());
          std::string why = last.value("message", "");
          if (why.empty()) {
            why = last.value("reason", "Error") + ", exit code " +
                  std::to_string(json_integer(last, "exitCode"));
          }
          return Problem{"CrashLoopBackOff",
                         "container " + c.value("name", "") + " of pod " + pod_name +
                             " keeps exiting: " + why +
                             "; check init() in the entry script (kubectl logs " + pod_name + ")"};
        }
        if (reason == "ImagePullBackOff" || reason == "ErrImagePull" ||
            reason == "InvalidImageName") {
          return Problem{"ImagePullFailed", "pod " + pod_name + " cannot pull an image: " +
                                                waiting.value("message", reason)};
        }
      }
    }
    if (const auto* scheduled = condition(status, "PodScheduled");
        scheduled && scheduled->value("status", "") == "False" &&
        scheduled->value("reason", "") == "Unschedulable" && !unschedulable) {
      unschedulable =
          Problem{"Unschedulable",
                  "pod " + pod_name + " cannot be placed: " + scheduled->value("message", "")};
    }
  }
  return unschedulable;
}

}  // namespace kiln::reconcilers::inference_service
