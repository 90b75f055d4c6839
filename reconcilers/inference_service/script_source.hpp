#pragma once

// Where the entry script and its source directory come from, as a volume
// mounted at /var/azureml-app/source.

#include <nlohmann/json.hpp>
#include <optional>
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

// `user_config_map_hash` is config_map_content_hash() of the ConfigMap named by
// spec.inferenceConfig.source.configMap (nullopt when it does not exist).
// Problems: ScriptConfigMapNotFound, ScriptSourceUnsupported (uri).
std::variant<ScriptPlan, Problem> plan_script(
    const api::InferenceService& service, const nlohmann::json& owner,
    const std::optional<std::string>& user_config_map_hash);

// The hash of a ConfigMap's data and binaryData (what the pods would see).
std::string config_map_content_hash(const nlohmann::json& config_map);

// A stable 64-bit FNV-1a hash, hex; for content hashes in pod annotations.
std::string content_hash(const std::string& text);

}  // namespace kiln::reconcilers::inference_service
