// The Model controller's decisions for each situation it can observe.
#include "reconcilers/model/model_reconciler.hpp"

#include <gtest/gtest.h>

#include "operator/runtime/conditions.hpp"
#include "tests/unit/model/model_fixtures.hpp"

namespace {

using nlohmann::json;
using namespace kiln::reconcilers::model;
using kiln::testing::digest_of;
using kiln::testing::make_model;
using kiln::testing::make_settings;
using kiln::testing::success_message;
using Clock = std::chrono::system_clock;

const Clock::time_point kNow = Clock::time_point(std::chrono::seconds(1'800'000'000));

// The condition of `type` in `status` (a placeholder with status "missing" when absent).
json condition(const kiln::api::ModelStatus& status, const char* type) {
  const json wrapper = {{"conditions", status.conditions}};
  const json* c = kiln::runtime::find_condition(wrapper, type);
  return c ? *c : json{{"status", "missing"}, {"reason", ""}, {"message", ""}};
}

ObservedJob finished(const kiln::api::Model& model, JobState state, std::string message,
                     Clock::time_point at = kNow) {
  ObservedJob job;
  job.name = registration_job_name(model, make_settings());
  job.state = state;
  job.termination_message = std::move(message);
  job.finished_at = at;
  return job;
}

Decision decide(const kiln::api::Model& model, std::optional<ObservedJob> job,
                Clock::time_point now = kNow) {
  Observed observed;
  observed.job = std::move(job);
  observed.now = now;
  return reconcile_model(model, observed, make_settings());
}

TEST(ModelReconciler, NoJobYetCreatesOne) {
  auto model = make_model("https://h.example.com/m.pkl");
  auto d = decide(model, std::nullopt);
  ASSERT_TRUE(d.create_job);
  EXPECT_EQ((*d.create_job)["metadata"]["name"], registration_job_name(model, make_settings()));
  EXPECT_FALSE(d.tag);
  EXPECT_EQ(d.status.observed_generation, 4);
  EXPECT_EQ(d.status.registration_job, registration_job_name(model, make_settings()));
  EXPECT_EQ(condition(d.status, kRegistered)["status"], "Unknown");
  EXPECT_EQ(condition(d.status, kRegistered)["reason"], "Registering");
  EXPECT_EQ(condition(d.status, kReady)["status"], "Unknown");
  EXPECT_EQ(condition(d.status, kRegistered)["observedGeneration"], 4);
}

TEST(ModelReconciler, RunningJobIsLeftAlone) {
  auto model = make_model("https://h.example.com/m.pkl");
  ObservedJob job;
  job.name = registration_job_name(model, make_settings());
  auto d = decide(model, job);
  EXPECT_FALSE(d.create_job);
  EXPECT_FALSE(d.delete_job);
  EXPECT_EQ(condition(d.status, kSourceReachable)["reason"], "Registering");
}

TEST(ModelReconciler, MissingSecretIsReportedWithoutAJob) {
  auto model = make_model("https://h.example.com/m.pkl");
  model.spec.source.secret_ref = kiln::api::LocalObjectReference{"headers"};
  Observed observed;
  observed.source_secret_found = false;
  observed.now = kNow;
  auto d = reconcile_model(model, observed, make_settings());
  EXPECT_FALSE(d.create_job);
  EXPECT_EQ(condition(d.status, kSourceReachable)["status"], "False");
  EXPECT_EQ(condition(d.status, kSourceReachable)["reason"], "SecretNotFound");
  EXPECT_NE(condition(d.status, kReady)["message"].get<std::string>().find("\"headers\""),
            std::string::npos);
  EXPECT_EQ(d.requeue_after, kMissingReferenceRetry);
}

TEST(ModelReconciler, MissingCaConfigMapIsReported) {
  auto model = make_model("https://h.example.com/m.pkl");
  model.spec.source.ca_config_map_ref = kiln::api::KeyReference{"ca", "ca.crt"};
  Observed observed;
  observed.source_ca_found = false;
  observed.now = kNow;
  auto d = reconcile_model(model, observed, make_settings());
  EXPECT_FALSE(d.create_job);
  EXPECT_EQ(condition(d.status, kReady)["reason"], "CAConfigMapNotFound");
}

TEST(ModelReconciler, FirstSuccessIsVersionOne) {
  auto model = make_model("https://h.example.com/m.pkl");
  auto d = decide(model, finished(model, JobState::succeeded, success_message('a', 2048)));
  EXPECT_FALSE(d.create_job);
  ASSERT_TRUE(d.tag);
  EXPECT_EQ(*d.tag, (TagRequest{"127.0.0.1:5000/models/team-a/diabetes", digest_of('a'), "v1"}));
  EXPECT_EQ(d.status.version, 1);
  EXPECT_EQ(d.status.digest, digest_of('a'));
  EXPECT_EQ(d.status.image, "127.0.0.1:5000/models/team-a/diabetes@" + digest_of('a'));
  EXPECT_EQ(d.status.size_bytes, 2048);
  ASSERT_EQ(d.status.versions.size(), 1u);
  EXPECT_EQ(d.status.versions[0].version, 1);
  EXPECT_EQ(d.status.versions[0].source_uri, "https://h.example.com/m.pkl");
  EXPECT_EQ(d.status.versions[0].registered_at, "2027-01-15T08:00:00Z");
  EXPECT_EQ(condition(d.status, kReady)["status"], "True");
  EXPECT_EQ(condition(d.status, kSourceReachable)["status"], "True");
  EXPECT_EQ(condition(d.status, kRegistered)["reason"], "Registered");
}

TEST(ModelReconciler, SameDigestKeepsTheVersion) {
  auto model = make_model("https://h.example.com/m.pkl");
  auto first = decide(model, finished(model, JobState::succeeded, success_message('a')));
  model.status = first.status;
  auto again = decide(model, finished(model, JobState::succeeded, success_message('a')));
  EXPECT_FALSE(again.tag);
  EXPECT_EQ(again.status.version, 1);
  EXPECT_EQ(again.status.versions.size(), 1u);
  // Nothing changed: the conditions keep their transition times.
  EXPECT_EQ(again.status, first.status);
}

TEST(ModelReconciler, NewDigestIsTheNextVersionAndOldOnesStayListed) {
  auto model = make_model("https://h.example.com/m.pkl");
  model.spec.retain_versions = 2;
  model.status = decide(model, finished(model, JobState::succeeded, success_message('a'))).status;
  model.spec.source.uri = "https://h.example.com/m2.pkl";
  model.status = decide(model, finished(model, JobState::succeeded, success_message('b'))).status;
  EXPECT_EQ(model.status.version, 2);
  model.spec.source.uri = "https://h.example.com/m3.pkl";
  auto d = decide(model, finished(model, JobState::succeeded, success_message('c')));
  ASSERT_TRUE(d.tag);
  EXPECT_EQ(d.tag->tag, "v3");
  EXPECT_EQ(d.status.version, 3);
  ASSERT_EQ(d.status.versions.size(), 2u);  // retainVersions
  EXPECT_EQ(d.status.versions[0].version, 3);
  EXPECT_EQ(d.status.versions[1].version, 2);
  EXPECT_EQ(d.status.versions[1].digest, digest_of('b'));
}

TEST(ModelReconciler, EditedSpecStartsANewJob) {
  auto model = make_model("https://h.example.com/m.pkl");
  auto old_job = finished(model, JobState::succeeded, success_message('a'));
  model.status = decide(model, old_job).status;
  model.spec.source.uri = "https://h.example.com/m2.pkl";
  auto d = decide(model, old_job);  // only the old Job is observed
  ASSERT_TRUE(d.create_job);
  EXPECT_NE((*d.create_job)["metadata"]["name"], old_job.name);
  EXPECT_EQ(d.status.version, 1);  // still serving v1 while registering
  EXPECT_EQ(condition(d.status, kReady)["reason"], "Registering");
}

struct FailureCase {
  std::string reason;
  std::string source_reachable;  // expected SourceReachable status
};

class ModelReconcilerFailure : public ::testing::TestWithParam<FailureCase> {};

TEST_P(ModelReconcilerFailure, ReasonReachesTheConditions) {
  const auto& param = GetParam();
  auto model = make_model("https://h.example.com/m.pkl");
  const std::string message =
      json{{"reason", param.reason}, {"message", "what happened and what to do"}}.dump();
  auto d = decide(model, finished(model, JobState::failed, message));
  EXPECT_FALSE(d.create_job);
  EXPECT_FALSE(d.tag);
  EXPECT_FALSE(d.status.version);
  EXPECT_EQ(condition(d.status, kReady)["status"], "False");
  EXPECT_EQ(condition(d.status, kReady)["reason"], param.reason);
  EXPECT_EQ(condition(d.status, kRegistered)["reason"], param.reason);
  EXPECT_NE(condition(d.status, kRegistered)["message"].get<std::string>().find(
                "what happened and what to do"),
            std::string::npos);
  EXPECT_EQ(condition(d.status, kSourceReachable)["status"], param.source_reachable);
  if (param.source_reachable == "False") {
    EXPECT_EQ(condition(d.status, kSourceReachable)["reason"], param.reason);
  }
}

INSTANTIATE_TEST_SUITE_P(KilnFetchReasons, ModelReconcilerFailure,
                         ::testing::Values(FailureCase{"SourceUnauthorized", "False"},
                                           FailureCase{"SourceNotFound", "False"},
                                           FailureCase{"SourceDNS", "False"},
                                           FailureCase{"SourceTLS", "False"},
                                           FailureCase{"SourceUnreachable", "False"},
                                           FailureCase{"DigestMismatch", "True"},
                                           FailureCase{"RegistryUnauthorized", "True"},
                                           FailureCase{"RegistryUnreachable", "True"},
                                           FailureCase{"PushRefused", "True"}),
                         [](const auto& info) { return info.param.reason; });

TEST(ModelReconciler, PermanentFailuresWaitForASpecChange) {
  auto model = make_model("https://h.example.com/m.pkl");
  auto job = finished(model, JobState::failed, R"({"reason":"SourceUnauthorized","message":"401"})",
                      kNow - std::chrono::hours(1));
  auto d = decide(model, job);
  EXPECT_FALSE(d.delete_job);
  EXPECT_FALSE(d.requeue_after);
}

TEST(ModelReconciler, APermanentFailureIsRetriedWhenItsSecretChanges) {
  auto model = make_model("https://h.example.com/m.pkl");
  model.spec.source.secret_ref = kiln::api::LocalObjectReference{"headers"};
  auto job = finished(model, JobState::failed, R"({"reason":"SourceUnauthorized","message":"401"})",
                      kNow - std::chrono::hours(1));
  job.source_secret_version = "100";
  Observed observed;
  observed.source_secret_found = true;
  observed.source_secret_version = "100";
  observed.job = job;
  observed.now = kNow;
  // The same Secret: the failure stands until something changes.
  auto d = reconcile_model(model, observed, make_settings());
  EXPECT_FALSE(d.delete_job);
  EXPECT_FALSE(d.requeue_after);
  EXPECT_EQ(condition(d.status, kRegistered)["reason"], "SourceUnauthorized");
  // The Secret was edited (fixed credentials): the Job runs again.
  observed.source_secret_version = "101";
  d = reconcile_model(model, observed, make_settings());
  EXPECT_TRUE(d.delete_job);
  ASSERT_TRUE(d.requeue_after);
  EXPECT_EQ(*d.requeue_after, std::chrono::seconds(1));
  EXPECT_NE(condition(d.status, kRegistered)["message"].get<std::string>().find(
                "Secret \"headers\" changed since"),
            std::string::npos);
  // ... and the new Job records the Secret's version it runs with.
  observed.job.reset();
  d = reconcile_model(model, observed, make_settings());
  ASSERT_TRUE(d.create_job);
  EXPECT_EQ((*d.create_job)["metadata"]["annotations"][kSourceSecretVersionAnnotation], "101");
}

TEST(ModelReconciler, TransientFailuresAreRetried) {
  auto model = make_model("https://h.example.com/m.pkl");
  const std::string dns = R"({"reason":"SourceDNS","message":"no such host"})";
  auto early =
      decide(model, finished(model, JobState::failed, dns, kNow - std::chrono::seconds(10)));
  EXPECT_FALSE(early.delete_job);
  ASSERT_TRUE(early.requeue_after);
  EXPECT_EQ(*early.requeue_after, std::chrono::seconds(51));
  auto later = decide(model, finished(model, JobState::failed, dns, kNow - kTransientRetry));
  EXPECT_TRUE(later.delete_job);
}

TEST(ModelReconciler, PodWithoutAResult) {
  auto model = make_model("https://h.example.com/m.pkl");
  auto job = finished(model, JobState::failed, "");
  job.failure_detail = "BackoffLimitExceeded: Job has reached the specified backoff limit";
  auto d = decide(model, job);
  EXPECT_EQ(condition(d.status, kReady)["reason"], "RegistrationJobFailed");
  const auto message = condition(d.status, kReady)["message"].get<std::string>();
  EXPECT_NE(message.find("BackoffLimitExceeded"), std::string::npos) << message;
  EXPECT_NE(message.find("kubectl logs job/" + job.name), std::string::npos) << message;
  EXPECT_EQ(condition(d.status, kSourceReachable)["status"], "Unknown");
  EXPECT_EQ(d.requeue_after, kUnreadableRetry + std::chrono::seconds(1));
}

TEST(ModelReconciler, InvalidSpecCreatesNothing) {
  auto model = make_model("s3://10.0.0.1/m.pkl");  // passes CEL, not the C++ validation
  auto d = decide(model, std::nullopt);
  EXPECT_FALSE(d.create_job);
  EXPECT_EQ(condition(d.status, kReady)["reason"], "InvalidSpec");
  EXPECT_NE(condition(d.status, kReady)["message"].get<std::string>().find("spec.source.uri"),
            std::string::npos);
}

TEST(ModelReconciler, RegistryNotConfigured) {
  auto model = make_model("https://h.example.com/m.pkl");
  Observed observed;
  observed.now = kNow;
  auto d = reconcile_model(model, observed, {});
  EXPECT_FALSE(d.create_job);
  EXPECT_EQ(condition(d.status, kReady)["reason"], "RegistryNotConfigured");
}

TEST(ModelReconciler, TagFailureKeepsThePreviousVersion) {
  auto model = make_model("https://h.example.com/m.pkl");
  model.status = decide(model, finished(model, JobState::succeeded, success_message('a'))).status;
  model.spec.source.uri = "https://h.example.com/m2.pkl";
  auto d = decide(model, finished(model, JobState::succeeded, success_message('b')));
  ASSERT_TRUE(d.tag);
  auto status = tag_failed_status(model, d, "manifest PUT: 401", kNow);
  EXPECT_EQ(status.version, 1);
  EXPECT_EQ(status.digest, digest_of('a'));
  EXPECT_EQ(condition(status, kReady)["reason"], "TagFailed");
  EXPECT_EQ(condition(status, kSourceReachable)["status"], "True");
}

}  // namespace
