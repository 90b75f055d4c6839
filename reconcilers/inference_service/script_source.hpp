#pragma once

// Where the entry script and its source directory come from, as a volume
// mounted at /var/azureml-app/source.

#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "crds/inference_service.hpp"
#include "reconcilers/inference_service/problem.hpp"

namespace kiln::reconcilers::inference_service {

struct ScriptPlan {
  nlohmann::json volume;      // the pod volume named "source"
  nlohmann::json config_map;  // the ConfigMap Kiln writes (inline scripts), else null
  // Changes whenever the script's content does, so a new script rolls the pods.
  std::string content_hash;
};

// `user_config_map` is spec.inferenceConfig.source.configMap as observed (null
// when absent). Problems: ScriptConfigMapNotFound, ScriptSourceUnsupported (uri).
std::variant<ScriptPlan, Problem> plan_script(const api::InferenceService& service,
                                              const nlohmann::json& owner,
                                              const nlohmann::json& user_config_map);

// A stable 64-bit FNV-1a hash, hex; for content hashes in pod annotations.
std::string content_hash(const std::string& text);

}  // namespace kiln::reconcilers::inference_service
