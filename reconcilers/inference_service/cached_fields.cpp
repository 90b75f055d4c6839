#include "reconcilers/inference_service/cached_fields.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace kiln::reconcilers::inference_service {
namespace {

using nlohmann::json;

// Erases every member of `object` whose key is not in `keep`.
template <std::size_t N>
void keep_only(json& object, const std::array<std::string_view, N>& keep) {
  if (!object.is_object()) return;
  for (auto it = object.begin(); it != object.end();) {
    if (std::find(keep.begin(), keep.end(), it.key()) == keep.end()) {
      it = object.erase(it);
    } else {
      ++it;
    }
  }
}

constexpr std::array<std::string_view, 10> kMetadata = {"name",
                                                        "namespace",
                                                        "uid",
                                                        "resourceVersion",
                                                        "generation",
                                                        "creationTimestamp",
                                                        "labels",
                                                        "annotations",
                                                        "ownerReferences",
                                                        "deletionTimestamp"};

constexpr std::array<std::string_view, 13> kWorkloadStatus = {"observedGeneration",
                                                              "replicas",
                                                              "updatedReplicas",
                                                              "readyReplicas",
                                                              "availableReplicas",
                                                              "unavailableReplicas",
                                                              "conditions",
                                                              "desiredNumberScheduled",
                                                              "currentNumberScheduled",
                                                              "updatedNumberScheduled",
                                                              "numberAvailable",
                                                              "numberReady",
                                                              "numberUnavailable"};

constexpr std::array<std::string_view, 5> kCondition = {"type", "status", "reason", "message",
                                                        "lastUpdateTime"};

}  // namespace

void trim_cached_metadata(json& object) {
  if (object.is_object() && object.contains("metadata")) keep_only(object["metadata"], kMetadata);
}

void trim_cached_workload(json& workload) {
  if (!workload.is_object()) return;
  keep_only(workload,
            std::array<std::string_view, 5>{"apiVersion", "kind", "metadata", "spec", "status"});
  trim_cached_metadata(workload);
  if (auto spec = workload.find("spec"); spec != workload.end()) {
    keep_only(*spec, std::array<std::string_view, 1>{"replicas"});
  }
  auto status = workload.find("status");
  if (status == workload.end() || !status->is_object()) return;
  keep_only(*status, kWorkloadStatus);
  auto conditions = status->find("conditions");
  if (conditions == status->end() || !conditions->is_array()) return;
  json kept = json::array();
  for (auto& c : *conditions) {
    const std::string type = c.is_object() ? c.value("type", "") : "";
    if (type != "Progressing" && type != "ReplicaFailure") continue;
    keep_only(c, kCondition);
    kept.push_back(std::move(c));
  }
  *conditions = std::move(kept);
}

void trim_cached_child(json& child) {
  if (!child.is_object()) return;
  keep_only(child, std::array<std::string_view, 3>{"apiVersion", "kind", "metadata"});
  trim_cached_metadata(child);
}

}  // namespace kiln::reconcilers::inference_service
