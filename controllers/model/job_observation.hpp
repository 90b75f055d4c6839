#pragma once

// What a registration Job and its pods say, read from their JSON. Pure.

#include <nlohmann/json.hpp>
#include <vector>

#include "reconcilers/model/model_reconciler.hpp"

namespace kiln::controllers::model {

// The Job's state (its Complete / Failed conditions), when it finished, and
// the kiln-fetch container's termination message from the newest of `pods`
// that has one.
reconcilers::model::ObservedJob observe_job(const nlohmann::json& job,
                                            const std::vector<nlohmann::json>& pods);

// Whether the Job has finished (Complete or Failed), so its pods are worth reading.
bool job_finished(const nlohmann::json& job);

}  // namespace kiln::controllers::model
