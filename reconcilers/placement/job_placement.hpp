#pragma once

// Where the operator's Jobs run (pure): registration Jobs (kiln-fetch) and
// Environment build Jobs (kaniko) go to nodes chosen by the admin, e.g. build
// nodes with a taint that keeps serving pods away.
//
//   kiln-operator --job-node-selector kiln.dev/real-node=true
//                 --job-toleration kiln.dev/real-node=true:NoSchedule

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace kiln::reconcilers {

struct JobPlacement {
  std::map<std::string, std::string> node_selector;
  nlohmann::json tolerations = nlohmann::json::array();  // core/v1 Toleration objects
  bool operator==(const JobPlacement&) const = default;
};

// Adds the placement to a pod spec: node selector entries merged in (the
// placement's win), tolerations appended. An empty placement changes nothing.
void apply_job_placement(nlohmann::json& pod_spec, const JobPlacement& placement);

// "KEY=VALUE" -> {KEY, VALUE}; throws std::invalid_argument saying what is wrong.
std::pair<std::string, std::string> parse_node_selector_entry(const std::string& text);

// kubectl taint's syntax: "KEY[=VALUE]:EFFECT" (EFFECT NoSchedule, PreferNoSchedule
// or NoExecute; no VALUE: operator Exists) or "KEY[=VALUE]" (every effect);
// throws std::invalid_argument saying what is wrong.
nlohmann::json parse_toleration(const std::string& text);

}  // namespace kiln::reconcilers
