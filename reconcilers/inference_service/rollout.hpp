#pragma once

// Whether the workload's current generation is fully rolled out and
// available, read from what the API reports (never assumed).

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "reconcilers/inference_service/problem.hpp"

namespace kiln::reconcilers::inference_service {

struct Rollout {
  bool complete = false;            // current generation everywhere, all available
  std::int32_t ready_replicas = 0;  // pods answering, any generation
  std::optional<Problem> problem;   // why not complete
};

// `workload` is the Deployment or DaemonSet as last returned by the API
// (null when it does not exist yet).
// `minimum_replicas` is the autoscaler's minReplicas when one owns the
// Deployment's replicas: fewer available replicas are not a finished rollout.
Rollout assess_rollout(const nlohmann::json& workload, std::int32_t minimum_replicas = 0);

// Whether listing the workload's pods can tell more than the workload itself:
// only once it has pods (status.replicas, or currentNumberScheduled for a
// DaemonSet) and its rollout has been under way for at least `grace` (since
// the Progressing condition's lastUpdateTime, else the creation time). A pod
// that crash-loops, cannot pull or cannot be placed shows it only after some
// seconds; a rollout that goes well finishes within them, and its pods are
// never listed (under load, a list per reconcile of every rolling service
// costs the API server more than the rollout itself).
bool worth_diagnosing(const nlohmann::json& workload, std::chrono::system_clock::time_point now,
                      std::chrono::seconds grace);

// The most telling problem among the service's pods: CrashLoopBackOff (with
// the container's last message), ImagePullFailed, Unschedulable (with the
// scheduler's reason), or none.
std::optional<Problem> diagnose_pods(const std::vector<nlohmann::json>& pods);

}  // namespace kiln::reconcilers::inference_service
