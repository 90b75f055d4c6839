#include "reconcilers/inference_service/status.hpp"

#include <gtest/gtest.h>

#include "tests/unit/inference_service/fixtures.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

using nlohmann::json;
using namespace kiln::testing::isvc;

struct Run {
  DesiredState desired;
  api::InferenceServiceStatus status;
};

const json* workload_in(const DesiredState& d) {
  for (const auto& o : d.apply) {
    if (o["kind"] == "Deployment" || o["kind"] == "DaemonSet") return &o;
  }
  return nullptr;
}

Run run(const api::InferenceService& service, const ModelsByName& models,
        const std::optional<api::Environment>& env, bool rolled_out,
        const std::vector<json>& pods = {}) {
  ServingOptions options;
  const FreshKeys fresh{"p", "s"};
  const json none = nullptr;
  const std::optional<std::string> no_hash;
  Run r{desired_state({service, models, env, no_hash, none, fresh, options}), {}};
  json workload = nullptr;
  if (const json* w = workload_in(r.desired)) {
    workload = observed_deployment(*w, api::meta_generation(service.metadata), rolled_out);
  }
  r.status = compute_status({service, r.desired, workload, pods, options, fixed_now()});
  return r;
}

std::string condition(const api::InferenceServiceStatus& s, const char* type, const char* field) {
  const json c = condition_in(s.conditions, type);
  return c.is_object() ? c.value(field, "") : "";
}

TEST(Status, ReadyWithScoringUriOnceRolledOut) {
  auto service = make_service({{"target", "dev"}});
  auto r = run(service, {{"diabetes", make_model("diabetes", 2)}}, ready_environment(), true);
  EXPECT_EQ(condition(r.status, "Ready", "status"), "True");
  EXPECT_EQ(condition(r.status, "ModelsReady", "status"), "True");
  EXPECT_EQ(condition(r.status, "ImageReady", "status"), "True");
  EXPECT_EQ(condition(r.status, "Available", "status"), "True");
  EXPECT_EQ(r.status.scoring_uri, "http://svc.ns1.svc.cluster.local/score");
  EXPECT_EQ(r.status.swagger_uri, "http://svc.ns1.svc.cluster.local/swagger.json");
  EXPECT_EQ(r.status.observed_generation, 1);
  EXPECT_EQ(r.status.image, kEnvImage);
  ASSERT_EQ(r.status.model_versions.size(), 1u);
  EXPECT_EQ(r.status.model_versions[0].version, 2);
  EXPECT_EQ(r.status.replicas, 1);
}

TEST(Status, NewModelVersionReportedOnlyAfterTheRollout) {
  auto service = make_service({{"target", "dev"}});
  auto before = run(service, {{"diabetes", make_model("diabetes", 2)}}, ready_environment(), true);
  service.status = before.status;
  auto rolling =
      run(service, {{"diabetes", make_model("diabetes", 3)}}, ready_environment(), false);
  EXPECT_EQ(condition(rolling.status, "Ready", "status"), "False");
  EXPECT_EQ(condition(rolling.status, "Ready", "reason"), "RollingOut");
  EXPECT_EQ(condition(rolling.status, "Available", "status"), "True");
  EXPECT_EQ(rolling.status.model_versions[0].version, 2);  // still the old one
  service.status = rolling.status;
  auto done = run(service, {{"diabetes", make_model("diabetes", 3)}}, ready_environment(), true);
  EXPECT_EQ(condition(done.status, "Ready", "status"), "True");
  EXPECT_EQ(done.status.model_versions[0].version, 3);
  EXPECT_EQ(done.status.model_versions[0].digest, digest_of('3'));
}

TEST(Status, MissingEnvironmentIsTheReadyReasonAndNoWorkloadIsApplied) {
  auto service = make_service({});
  auto r = run(service, {{"diabetes", make_model("diabetes", 1)}}, std::nullopt, true);
  EXPECT_FALSE(r.desired.workload_applied);
  EXPECT_EQ(workload_in(r.desired), nullptr);
  EXPECT_EQ(condition(r.status, "ImageReady", "reason"), "EnvironmentNotFound");
  EXPECT_EQ(condition(r.status, "Ready", "status"), "False");
  EXPECT_EQ(condition(r.status, "Ready", "reason"), "EnvironmentNotFound");
  EXPECT_EQ(condition(r.status, "ModelsReady", "status"), "True");
}

TEST(Status, MissingModelIsTheReadyReason) {
  auto r = run(make_service({}), {}, ready_environment(), true);
  EXPECT_EQ(condition(r.status, "Ready", "reason"), "ModelNotFound");
  EXPECT_EQ(condition(r.status, "ModelsReady", "status"), "False");
}

TEST(Status, CrashLoopingPodsGiveTheReason) {
  json pod = {
      {"metadata", {{"name", "svc-1"}}},
      {"status",
       {{"containerStatuses",
         json::array({{{"name", "kiln-serve"},
                       {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}}}}},
                       {"lastState", {{"terminated", {{"message", "boom in init()"}}}}}}})}}}};
  auto r = run(make_service({{"target", "dev"}}), {{"diabetes", make_model("diabetes", 1)}},
               ready_environment(), false, {pod});
  EXPECT_EQ(condition(r.status, "Ready", "reason"), "CrashLoopBackOff");
  EXPECT_NE(condition(r.status, "Ready", "message").find("boom in init()"), std::string::npos);
}

TEST(Status, KeysNeverAppearInStatus) {
  auto r = run(make_service({{"target", "cluster"}}), {{"diabetes", make_model("diabetes", 1)}},
               ready_environment(), true);
  const std::string text = json(r.status).dump();
  EXPECT_EQ(r.status.keys_secret_name, "svc-keys");
  EXPECT_EQ(text.find("\"p\""), std::string::npos);
  EXPECT_EQ(text.find("cA=="), std::string::npos);  // base64 of the primary key
}

TEST(Status, UnchangedInputsGiveAnEqualStatus) {
  auto service = make_service({{"target", "dev"}});
  auto first = run(service, {{"diabetes", make_model("diabetes", 1)}}, ready_environment(), true);
  service.status = first.status;
  auto second = run(service, {{"diabetes", make_model("diabetes", 1)}}, ready_environment(), true);
  EXPECT_FALSE(status_changed(first.status, second.status));
}

TEST(Status, TargetChangeRemovesChildrenNoLongerWanted) {
  auto edge = run(make_service({{"target", "edge"}}), {{"diabetes", make_model("diabetes", 1)}},
                  ready_environment(), true);
  auto has = [](const DesiredState& d, const char* kind) {
    for (const auto& r : d.remove) {
      if (r.kind == kind) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(edge.desired, "Deployment"));
  EXPECT_TRUE(has(edge.desired, "HorizontalPodAutoscaler"));
  EXPECT_TRUE(has(edge.desired, "PodDisruptionBudget"));
  EXPECT_TRUE(has(edge.desired, "Secret"));
  auto cluster = run(make_service({{"target", "cluster"}}),
                     {{"diabetes", make_model("diabetes", 1)}}, ready_environment(), true);
  EXPECT_TRUE(has(cluster.desired, "DaemonSet"));
  EXPECT_FALSE(has(cluster.desired, "HorizontalPodAutoscaler"));
}

api::InferenceServiceStatus with_ready(const std::string& status, const std::string& reason) {
  api::InferenceServiceStatus s;
  s.conditions = json::array({{{"type", "Ready"}, {"status", status}, {"reason", reason}}});
  return s;
}

TEST(InferenceServiceStatusWrites, ANewServiceWaitsForItsDeploymentToBePickedUp) {
  const api::InferenceServiceStatus none;
  EXPECT_FALSE(worth_writing(none, with_ready("False", "RolloutPending")));
  EXPECT_TRUE(worth_writing(none, with_ready("False", "NoReplicasAvailable")));
  EXPECT_TRUE(worth_writing(none, with_ready("False", "ModelNotFound")));
  EXPECT_TRUE(worth_writing(with_ready("True", "Serving"), with_ready("False", "RolloutPending")));
  EXPECT_FALSE(worth_writing(with_ready("True", "Serving"), with_ready("True", "Serving")));
}

TEST(InferenceServiceStatusWrites, EventsForNewsNotForTheStepsOfAFirstRollout) {
  const api::InferenceServiceStatus none;
  EXPECT_FALSE(worth_an_event(none, with_ready("False", "RolloutPending")));
  EXPECT_FALSE(worth_an_event(with_ready("False", "RolloutPending"),
                              with_ready("False", "NoReplicasAvailable")));
  EXPECT_FALSE(worth_an_event(with_ready("False", "NoReplicasAvailable"),
                              with_ready("False", "RollingOut")));
  EXPECT_TRUE(worth_an_event(with_ready("False", "RollingOut"), with_ready("True", "Serving")));
  EXPECT_TRUE(worth_an_event(none, with_ready("False", "ModelNotFound")));
  EXPECT_TRUE(
      worth_an_event(with_ready("False", "RollingOut"), with_ready("False", "CrashLoopBackOff")));
  // A serving service that rolls out a new version, or loses its replicas, is news.
  EXPECT_TRUE(worth_an_event(with_ready("True", "Serving"), with_ready("False", "RollingOut")));
  EXPECT_TRUE(
      worth_an_event(with_ready("True", "Serving"), with_ready("False", "NoReplicasAvailable")));
  EXPECT_FALSE(worth_an_event(with_ready("True", "Serving"), with_ready("True", "Serving")));
}

}  // namespace
}  // namespace kiln::reconcilers::inference_service
