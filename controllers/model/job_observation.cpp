#include "controllers/model/job_observation.hpp"

#include <algorithm>

#include "operator/kube/api_time.hpp"

namespace kiln::controllers::model {

using nlohmann::json;
using reconcilers::model::JobState;
using reconcilers::model::ObservedJob;

namespace {

const json* true_condition(const json& job, std::string_view type) {
  const auto* conditions = job.contains("status") ? &job["status"] : nullptr;
  if (!conditions || !conditions->contains("conditions")) return nullptr;
  for (const auto& c : (*conditions)["conditions"]) {
    if (c.value("type", "") == type && c.value("status", "") == "True") return &c;
  }
  return nullptr;
}

std::optional<std::string> termination_message(const json& pod) {
  const auto statuses = pod.value("/status/containerStatuses"_json_pointer, json::array());
  for (const auto& s : statuses) {
    if (s.value("name", "") != "kiln-fetch") continue;
    for (const char* state : {"state", "lastState"}) {
      const auto terminated =
          s.value(json::json_pointer("/" + std::string(state) + "/terminated"), json::object());
      if (terminated.contains("message")) return terminated["message"].get<std::string>();
    }
  }
  return std::nullopt;
}

}  // namespace

bool job_finished(const json& job) {
  return true_condition(job, "Complete") || true_condition(job, "Failed");
}

ObservedJob observe_job(const json& job, const std::vector<json>& pods) {
  ObservedJob out;
  out.name = job.value("/metadata/name"_json_pointer, std::string());
  const auto annotations = job.value("/metadata/annotations"_json_pointer, json::object());
  if (auto v = annotations.find(reconcilers::model::kSourceSecretVersionAnnotation);
      v != annotations.end() && v->is_string()) {
    out.source_secret_version = v->get<std::string>();
  }
  if (const auto* complete = true_condition(job, "Complete")) {
    out.state = JobState::succeeded;
    auto at = job.value("/status/completionTime"_json_pointer,
                        complete->value("lastTransitionTime", std::string()));
    out.finished_at = kube::parse_api_time(at);
  } else if (const auto* failed = true_condition(job, "Failed")) {
    out.state = JobState::failed;
    out.failure_detail =
        failed->value("reason", std::string()) + ": " + failed->value("message", std::string());
    out.finished_at = kube::parse_api_time(failed->value("lastTransitionTime", std::string()));
  }
  // The newest pod with a message: a retried Job's last attempt.
  std::vector<const json*> sorted;
  for (const auto& p : pods) sorted.push_back(&p);
  std::sort(sorted.begin(), sorted.end(), [](const json* a, const json* b) {
    return a->value("/metadata/creationTimestamp"_json_pointer, std::string()) >
           b->value("/metadata/creationTimestamp"_json_pointer, std::string());
  });
  for (const auto* pod : sorted) {
    if (auto message = termination_message(*pod)) {
      out.termination_message = std::move(message);
      break;
    }
  }
  return out;
}

}  // namespace kiln::controllers::model
