#include "reconcilers/inference_service/rollout.hpp"

#include <gtest/gtest.h>

#include "operator/kube/api_time.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

using nlohmann::json;

json deployment(int generation, json status, int replicas = 2) {
  return {{"kind", "Deployment"},
          {"metadata", {{"generation", generation}}},
          {"spec", {{"replicas", replicas}}},
          {"status", status}};
}

TEST(Rollout, CompleteWhenEveryReplicaRunsTheCurrentGeneration) {
  auto r = assess_rollout(deployment(3, {{"observedGeneration", 3},
                                         {"replicas", 2},
                                         {"updatedReplicas", 2},
                                         {"readyReplicas", 2},
                                         {"availableReplicas", 2}}));
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.ready_replicas, 2);
}

TEST(Rollout, NotCompleteWhileTheControllerHasNotSeenTheGeneration) {
  auto r = assess_rollout(deployment(4, {{"observedGeneration", 3},
                                         {"replicas", 2},
                                         {"updatedReplicas", 2},
                                         {"readyReplicas", 2},
                                         {"availableReplicas", 2}}));
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.problem->reason, "RolloutPending");
}

TEST(Rollout, NotCompleteWhileOldPodsStillServe) {
  auto r = assess_rollout(deployment(4, {{"observedGeneration", 4},
                                         {"replicas", 3},
                                         {"updatedReplicas", 2},
                                         {"readyReplicas", 3},
                                         {"availableReplicas", 3}}));
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.problem->reason, "RollingOut");
  EXPECT_NE(r.problem->message.find("1 old still running"), std::string::npos);
}

TEST(Rollout, QuotaExceededIsNamed) {
  auto r = assess_rollout(deployment(
      1, {{"observedGeneration", 1},
          {"conditions",
           json::array({{{"type", "ReplicaFailure"},
                         {"status", "True"},
                         {"message", "pods \"x\" is forbidden: exceeded quota: q"}}})}}));
  EXPECT_EQ(r.problem->reason, "QuotaExceeded");
  EXPECT_NE(r.problem->message.find("ResourceQuota"), std::string::npos);
}

TEST(Rollout, DaemonSetWithoutEdgeNodesSaysHowToLabelThem) {
  json ds = {{"kind", "DaemonSet"},
             {"metadata", {{"generation", 1}}},
             {"status", {{"observedGeneration", 1}, {"desiredNumberScheduled", 0}}}};
  auto r = assess_rollout(ds);
  EXPECT_EQ(r.problem->reason, "NoEdgeNodes");
  EXPECT_NE(r.problem->message.find("kubectl label node"), std::string::npos);
}

TEST(Rollout, DaemonSetCompleteOnEveryEdgeNode) {
  json ds = {{"kind", "DaemonSet"},
             {"metadata", {{"generation", 2}}},
             {"status",
              {{"observedGeneration", 2},
               {"desiredNumberScheduled", 2},
               {"updatedNumberScheduled", 2},
               {"numberAvailable", 2},
               {"numberReady", 2}}}};
  EXPECT_TRUE(assess_rollout(ds).complete);
}

TEST(Rollout, MissingWorkload) {
  EXPECT_FALSE(assess_rollout(nullptr).complete);
}

TEST(DiagnosePods, CrashLoopQuotesTheContainersLastMessage) {
  json pod = {
      {"metadata", {{"name", "svc-abc"}}},
      {"status",
       {{"containerStatuses",
         json::array({{{"name", "kiln-serve"},
                       {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}}}}},
                       {"lastState",
                        {{"terminated",
                          {{"exitCode", 3},
                           {"message", "init() failed: FileNotFoundError: model.pkl"}}}}}}})}}}};
  auto p = diagnose_pods({pod});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->reason, "CrashLoopBackOff");
  EXPECT_NE(p->message.find("FileNotFoundError: model.pkl"), std::string::npos);
}

TEST(DiagnosePods, UnschedulableQuotesTheScheduler) {
  json pod = {{"metadata", {{"name", "svc-abc"}}},
              {"status",
               {{"conditions",
                 json::array({{{"type", "PodScheduled"},
                               {"status", "False"},
                               {"reason", "Unschedulable"},
                               {"message",
                                "0/3 nodes are available: 3 Insufficient nvidia.com/gpu."}}})}}}};
  auto p = diagnose_pods({pod});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->reason, "Unschedulable");
  EXPECT_NE(p->message.find("Insufficient nvidia.com/gpu"), std::string::npos);
}

TEST(DiagnosePods, HealthyPodsSayNothing) {
  EXPECT_FALSE(diagnose_pods({json{{"metadata", {{"name", "p"}}}, {"status", json::object()}}}));
}

}  // namespace
}  // namespace kiln::reconcilers::inference_service

namespace kiln::reconcilers::inference_service {
namespace {

TEST(Rollout, AutoscaledDeploymentBelowTheMinimumIsNotComplete) {
  nlohmann::json d = {{"kind", "Deployment"},
                      {"metadata", {{"generation", 1}}},
                      {"spec", {{"replicas", 1}}},
                      {"status",
                       {{"observedGeneration", 1},
                        {"replicas", 1},
                        {"updatedReplicas", 1},
                        {"readyReplicas", 1},
                        {"availableReplicas", 1}}}};
  EXPECT_TRUE(assess_rollout(d).complete);
  auto r = assess_rollout(d, 2);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.problem->reason, "RollingOut");
}

}  // namespace
}  // namespace kiln::reconcilers::inference_service

namespace kiln::reconcilers::inference_service {
namespace {

using nlohmann::json;
using std::chrono::seconds;

json rolling_deployment(int pods, const std::string& progressing_at) {
  json d = {{"kind", "Deployment"},
            {"metadata", {{"creationTimestamp", "2026-01-01T00:00:00Z"}}},
            {"status", {{"replicas", pods}}}};
  if (!progressing_at.empty()) {
    d["status"]["conditions"] = json::array(
        {{{"type", "Progressing"}, {"status", "True"}, {"lastUpdateTime", progressing_at}}});
  }
  return d;
}

std::chrono::system_clock::time_point at(const std::string& t) {
  return *kube::parse_api_time(t);
}

TEST(WorthDiagnosing, NotBeforeThereArePods) {
  EXPECT_FALSE(worth_diagnosing(nullptr, at("2026-01-01T01:00:00Z"), seconds(10)));
  EXPECT_FALSE(
      worth_diagnosing(rolling_deployment(0, ""), at("2026-01-01T01:00:00Z"), seconds(10)));
}

TEST(WorthDiagnosing, OnlyOnceTheRolloutHasTakenAWhile) {
  const auto d = rolling_deployment(1, "2026-01-01T00:10:00Z");
  EXPECT_FALSE(worth_diagnosing(d, at("2026-01-01T00:10:05Z"), seconds(10)));
  EXPECT_TRUE(worth_diagnosing(d, at("2026-01-01T00:10:10Z"), seconds(10)));
}

TEST(WorthDiagnosing, FallsBackToTheCreationTime) {
  const auto d = rolling_deployment(1, "");
  EXPECT_FALSE(worth_diagnosing(d, at("2026-01-01T00:00:03Z"), seconds(10)));
  EXPECT_TRUE(worth_diagnosing(d, at("2026-01-01T00:00:30Z"), seconds(10)));
  json ds = {{"kind", "DaemonSet"},
             {"metadata", {{"creationTimestamp", "2026-01-01T00:00:00Z"}}},
             {"status", {{"currentNumberScheduled", 2}}}};
  EXPECT_TRUE(worth_diagnosing(ds, at("2026-01-01T00:01:00Z"), seconds(10)));
}

}  // namespace
}  // namespace kiln::reconcilers::inference_service
