#pragma once

// Whether the workload's current generation is fully rolled out and
// available, read from what the API reports (never assumed).

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

// The most telling problem among the service's pods: CrashLoopBackOff (with
// the container's last message), ImagePullFailed, Unschedulable (with the
// scheduler's reason), or none.
std::optional<Problem> diagnose_pods(const std::vector<nlohmann::json>& pods);

}  // namespace kiln::reconcilers::inference_service
