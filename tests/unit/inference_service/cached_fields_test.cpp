#include "reconcilers/inference_service/cached_fields.hpp"

#include <gtest/gtest.h>

#include "operator/kube/api_time.hpp"
#include "reconcilers/inference_service/rollout.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

using nlohmann::json;

json full_deployment() {
  return json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "svc", "namespace": "ns", "uid": "u1", "resourceVersion": "42",
                 "generation": 3, "creationTimestamp": "2026-01-01T00:00:00Z",
                 "generateName": "x", "selfLink": "/apis/apps/v1/...",
                 "labels": {"kiln.dev/inference-service": "svc"},
                 "annotations": {"deployment.kubernetes.io/revision": "3"},
                 "ownerReferences": [{"uid": "o1", "controller": true}]},
    "spec": {"replicas": 2, "selector": {"matchLabels": {"a": "b"}},
             "strategy": {"type": "RollingUpdate"}, "template": {"spec": {"containers": []}}},
    "status": {"observedGeneration": 3, "replicas": 3, "updatedReplicas": 1,
               "readyReplicas": 2, "availableReplicas": 2, "unavailableReplicas": 1,
               "collisionCount": 1,
               "conditions": [
                 {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                  "message": "Deployment has minimum availability.",
                  "lastUpdateTime": "2026-01-01T00:00:05Z", "lastTransitionTime": "2026-01-01T00:00:05Z"},
                 {"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated",
                  "message": "ReplicaSet \"svc-abc\" is progressing.",
                  "lastUpdateTime": "2026-01-01T00:00:06Z", "lastTransitionTime": "2026-01-01T00:00:01Z"},
                 {"type": "ReplicaFailure", "status": "True", "reason": "FailedCreate",
                  "message": "exceeded quota", "lastUpdateTime": "2026-01-01T00:00:07Z"}]}
  })");
}

TEST(CachedFields, WorkloadKeepsWhatTheRolloutNeeds) {
  json d = full_deployment();
  const auto before = assess_rollout(d);
  trim_cached_workload(d);
  EXPECT_EQ(d["spec"], json({{"replicas", 2}}));
  EXPECT_FALSE(d["metadata"].contains("generateName"));
  EXPECT_FALSE(d["metadata"].contains("selfLink"));
  EXPECT_EQ(d["metadata"]["ownerReferences"][0]["uid"], "o1");
  EXPECT_EQ(d["metadata"]["labels"]["kiln.dev/inference-service"], "svc");
  EXPECT_FALSE(d["status"].contains("collisionCount"));
  ASSERT_EQ(d["status"]["conditions"].size(), 2u);
  EXPECT_EQ(d["status"]["conditions"][0]["type"], "Progressing");
  EXPECT_FALSE(d["status"]["conditions"][0].contains("lastTransitionTime"));
  const auto after = assess_rollout(d);
  EXPECT_EQ(after.complete, before.complete);
  EXPECT_EQ(after.ready_replicas, before.ready_replicas);
  ASSERT_TRUE(after.problem && before.problem);
  EXPECT_EQ(after.problem->reason, before.problem->reason);
  EXPECT_EQ(after.problem->message, before.problem->message);
  const auto now = *kube::parse_api_time("2026-01-01T00:00:10Z");
  EXPECT_EQ(worth_diagnosing(d, now, std::chrono::seconds(3)),
            worth_diagnosing(full_deployment(), now, std::chrono::seconds(3)));
}

TEST(CachedFields, ChildKeepsMetadataOnly) {
  json s = {
      {"apiVersion", "v1"},
      {"kind", "Secret"},
      {"metadata", {{"name", "k"}, {"uid", "u"}, {"resourceVersion", "7"}, {"finalizers", {"f"}}}},
      {"data", {{"primaryKey", "c2VjcmV0"}}},
      {"type", "Opaque"}};
  trim_cached_child(s);
  EXPECT_EQ(s, json({{"apiVersion", "v1"},
                     {"kind", "Secret"},
                     {"metadata", {{"name", "k"}, {"uid", "u"}, {"resourceVersion", "7"}}}}));
}

TEST(CachedFields, OddShapesAreLeftAlone) {
  json n = nullptr;
  trim_cached_workload(n);
  trim_cached_child(n);
  EXPECT_TRUE(n.is_null());
  json w = {{"kind", "Deployment"}, {"status", {{"conditions", "not a list"}}}};
  trim_cached_workload(w);
  EXPECT_EQ(w["status"]["conditions"], "not a list");
}

}  // namespace
}  // namespace kiln::reconcilers::inference_service
