// What the controller does next, and the status a user follows.

#include "reconcilers/environment/build_decision.hpp"

#include <gtest/gtest.h>

#include "operator/runtime/conditions.hpp"
#include "reconcilers/environment/build_failure.hpp"

namespace kiln::reconcilers::environment {
namespace {

const auto kNow = std::chrono::system_clock::time_point{} + std::chrono::hours(500000);
const std::string kDigest = "sha256:" + std::string(64, 'f');

BuildObservation miss() {
  BuildObservation o;
  o.repository = "reg:5000/envs/ns/a";
  o.tag = "kiln-abc";
  o.job_name = "kiln-build-abc";
  return o;
}

std::string reason(const api::EnvironmentStatus& s) {
  nlohmann::json holder = {{"conditions", s.conditions}};
  const auto* c = runtime::find_condition(holder, "Ready");
  return c ? (*c)["reason"].get<std::string>() : "";
}

TEST(BuildDecision, RegistryHitIsReadyWithoutAJob) {
  auto o = miss();
  o.digest = kDigest;
  auto d = decide_build({}, 2, o, kNow);
  EXPECT_FALSE(d.create_job);
  EXPECT_EQ(d.status.phase, api::BuildPhase::ready);
  EXPECT_EQ(d.status.image, "reg:5000/envs/ns/a@" + kDigest);
  EXPECT_EQ(d.status.tag, "kiln-abc");
  EXPECT_EQ(d.status.observed_generation, 2);
  EXPECT_EQ(reason(d.status), "ImageReady");
}

TEST(BuildDecision, MissWithoutAJobCreatesOneAndKeepsTheLastGoodImage) {
  api::EnvironmentStatus previous;
  previous.image = "reg:5000/envs/ns/a@sha256:old";
  previous.phase = api::BuildPhase::ready;
  auto d = decide_build(previous, 3, miss(), kNow);
  EXPECT_TRUE(d.create_job);
  EXPECT_EQ(d.status.phase, api::BuildPhase::building);
  EXPECT_EQ(d.status.image, "reg:5000/envs/ns/a@sha256:old");
  EXPECT_EQ(d.status.build_job, "kiln-build-abc");
  EXPECT_EQ(reason(d.status), "Building");
}

TEST(BuildDecision, RunningJobIsBuildingWithProgress) {
  auto o = miss();
  o.job = JobState::running;
  o.progress = "RUN pip install";
  auto d = decide_build({}, 1, o, kNow);
  EXPECT_FALSE(d.create_job);
  EXPECT_EQ(d.status.phase, api::BuildPhase::building);
}

TEST(BuildDecision, FailedJobIsFailedWithTheBuildersErrorAndIsNotRetried) {
  auto o = miss();
  o.job = JobState::failed;
  o.job_failure_reason = "BackoffLimitExceeded";
  o.log =
      "INFO[0010] RUN pip install\nERROR: Could not find a version that satisfies the "
      "requirement nosuchpkg-kiln\nERROR: No matching distribution found for nosuchpkg-kiln\n";
  auto d = decide_build({}, 1, o, kNow);
  EXPECT_EQ(d.status.phase, api::BuildPhase::failed);
  EXPECT_EQ(reason(d.status), "PackageNotFound");
  ASSERT_TRUE(d.status.build_log_tail);
  EXPECT_NE(d.status.build_log_tail->find("No matching distribution found for nosuchpkg-kiln"),
            std::string::npos);
  // Later the Job is gone (ttlSecondsAfterFinished): still no new build for the same tag.
  auto later = miss();
  auto again = decide_build(d.status, 1, later, kNow);
  EXPECT_FALSE(again.create_job);
  EXPECT_EQ(again.status.phase, api::BuildPhase::failed);
  // A spec change (a new tag) builds again.
  later.tag = "kiln-def";
  EXPECT_TRUE(decide_build(d.status, 2, later, kNow).create_job);
}

TEST(BuildDecision, RegistryErrorIsNotAMiss) {
  auto o = miss();
  o.registry_error = "401 Unauthorized";
  auto d = decide_build({}, 1, o, kNow);
  EXPECT_FALSE(d.create_job);
  EXPECT_EQ(reason(d.status), "RegistryUnavailable");
}

TEST(BuildDecision, RefusedPushCredentialsFailWithoutAJob) {
  auto o = miss();
  o.registry_error = "401 Unauthorized";
  o.registry_refused = true;
  auto d = decide_build({}, 1, o, kNow);
  EXPECT_FALSE(d.create_job);
  EXPECT_EQ(d.status.phase, api::BuildPhase::failed);
  EXPECT_EQ(reason(d.status), "RegistryAuthRefused");
}

TEST(BuildDecision, RenderErrorFailsWithoutAJob) {
  auto o = miss();
  o.render_error = "the environment pins Python 3.6.2; ...";
  auto d = decide_build({}, 1, o, kNow);
  EXPECT_FALSE(d.create_job);
  EXPECT_EQ(d.status.phase, api::BuildPhase::failed);
  EXPECT_EQ(reason(d.status), "InvalidEnvironment");
}

TEST(BuildDecision, SucceededJobWithoutTheImageIsAFailure) {
  auto o = miss();
  o.job = JobState::succeeded;
  EXPECT_EQ(reason(decide_build({}, 1, o, kNow).status), "PushNotVisible");
}

TEST(BuildFailure, ClassifiesTheBuildersMessages) {
  EXPECT_EQ(classify_build_failure("",
                                   "error checking push permissions -- make sure you entered "
                                   "the correct tag name: UNAUTHORIZED")
                .reason,
            "RegistryAuthRefused");
  EXPECT_EQ(classify_build_failure("",
                                   "error building image: retrieving image "
                                   "\"reg/none:1\": GET https://reg/v2/none/manifests/1: "
                                   "MANIFEST_UNKNOWN: manifest unknown")
                .reason,
            "BaseImageNotFound");
  EXPECT_EQ(classify_build_failure("",
                                   "kiln: this image's Python is CPython 3.6.2 (x); kiln-serve "
                                   "ships for CPython 3.8 to 3.13.")
                .reason,
            "UnsupportedBaseImage");
  EXPECT_EQ(classify_build_failure("DeadlineExceeded", "INFO step 3").reason, "BuildTimedOut");
  EXPECT_EQ(classify_build_failure("BackoffLimitExceeded", "something else").reason, "BuildFailed");
  auto pip = classify_build_failure("", "ERROR: No matching distribution found for nosuchpkg");
  EXPECT_NE(pip.message.find("nosuchpkg"), std::string::npos);
}

TEST(BuildFailure, LogTailKeepsTheLastLines) {
  std::string log;
  for (int i = 0; i < 50; ++i) log += "line " + std::to_string(i) + "\n";
  auto tail = log_tail(log, 3);
  EXPECT_EQ(tail, "line 47\nline 48\nline 49");
  EXPECT_EQ(log_tail("one line"), "one line");
  EXPECT_EQ(log_tail(std::string(10000, 'x'), 20, 100).size(), 100u);
}

}  // namespace
}  // namespace kiln::reconcilers::environment
