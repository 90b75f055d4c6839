#pragma once

// The status an InferenceService reports: it says Ready only when the current
// generation's workload is fully rolled out and available, and reports the
// model versions and image only once they are what every replica serves.

#include <chrono>
#include <nlohmann/json.hpp>
#include <vector>

#include "crds/inference_service.hpp"
#include "reconcilers/inference_service/desired_state.hpp"

namespace kiln::reconcilers::inference_service {

struct StatusInputs {
  const api::InferenceService& service;
  const DesiredState& desired;
  const nlohmann::json& workload;           // Deployment/DaemonSet as the API returned it, or null
  const std::vector<nlohmann::json>& pods;  // the service's pods (may be empty: not diagnosed)
  const ServingOptions& options;
  std::chrono::system_clock::time_point now;
};

// The new status (conditions keep their lastTransitionTime when unchanged).
api::InferenceServiceStatus compute_status(const StatusInputs& in);

// Whether a status write is needed (ignores nothing: equal means skip).
bool status_changed(const api::InferenceServiceStatus& before,
                    const api::InferenceServiceStatus& after);

// Whether `after` should be written now. A service never reported before
// whose Deployment is not yet picked up by its controller (RolloutPending)
// waits for that: the Deployment's first status update comes moments later
// and triggers the next reconcile (and the recheck requeue covers a
// Deployment controller that never comes), so a new service's status is
// written once it says something, not twice in a row.
bool worth_writing(const api::InferenceServiceStatus& before,
                   const api::InferenceServiceStatus& after);

// Whether the change of the Ready condition from `before` to `after` deserves
// an Event. Every change does, except the steps of a service's first rollout
// (nothing, RolloutPending, WorkloadMissing, RollingOut, NoReplicasAvailable
// to one another): a new service's first Event is Serving, or what went wrong.
bool worth_an_event(const api::InferenceServiceStatus& before,
                    const api::InferenceServiceStatus& after);

}  // namespace kiln::reconcilers::inference_service
