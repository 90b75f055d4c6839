// problem_status / build_status: a ModelPackage's phase, image and conditions.

#include "reconcilers/model_package/package_status.hpp"

#include <gtest/gtest.h>

namespace kiln::reconcilers::model_package {
namespace {

using nlohmann::json;
namespace env = reconcilers::environment;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));

json condition(const api::ModelPackageStatus& status, const std::string& type) {
  for (const auto& c : status.conditions) {
    if (c["type"] == type) return c;
  }
  return nullptr;
}

env::BuildObservation observation() {
  env::BuildObservation o;
  o.repository = "reg:5000/packages/ns/pkg";
  o.tag = "kiln-abc";
  o.job_name = "kiln-build-x";
  return o;
}

TEST(PackageStatus, WaitingIsPendingWithTheConditionThatWaits) {
  auto status = problem_status(
      {}, 3, {kModelsResolved, "ModelNotRegistered", "Model ns/m has none", true}, kNow);
  EXPECT_EQ(status.phase, api::BuildPhase::pending);
  EXPECT_EQ(status.observed_generation, 3);
  EXPECT_EQ(condition(status, kModelsResolved)["reason"], "ModelNotRegistered");
  EXPECT_EQ(condition(status, kEnvironmentReady)["status"], "True");
  EXPECT_EQ(condition(status, kReady)["status"], "False");
  EXPECT_EQ(condition(status, kReady)["reason"], "ModelNotRegistered");
  EXPECT_EQ(condition(status, kReady)["message"], "Model ns/m has none");
}

TEST(PackageStatus, ASpecProblemIsFailedAndKeepsTheLastGoodImage) {
  api::ModelPackageStatus previous;
  previous.image = "reg:5000/packages/ns/pkg@sha256:old";
  auto status =
      problem_status(previous, 2, {kReady, "OutputNotSupported", "use Image", false}, kNow);
  EXPECT_EQ(status.phase, api::BuildPhase::failed);
  EXPECT_EQ(status.image, previous.image);
  EXPECT_EQ(condition(status, kReady)["reason"], "OutputNotSupported");
  EXPECT_TRUE(condition(status, kEnvironmentReady).is_null());
}

TEST(PackageStatus, BuildingThenReadyByDigest) {
  auto o = observation();
  auto decision = env::decide_build(build_view({}), 1, o, kNow);
  EXPECT_TRUE(decision.create_job);
  auto status = build_status({}, 1, decision, {{"m", 2, "sha256:m"}}, kNow);
  EXPECT_EQ(status.phase, api::BuildPhase::building);
  EXPECT_EQ(status.build_job, "kiln-build-x");
  EXPECT_EQ(status.tag, "kiln-abc");
  EXPECT_EQ(condition(status, kReady)["reason"], "Building");
  EXPECT_EQ(condition(status, kModelsResolved)["status"], "True");
  ASSERT_EQ(status.model_versions.size(), 1u);
  EXPECT_EQ(status.model_versions[0].version, 2);

  o.job = env::JobState::running;
  decision = env::decide_build(build_view(status), 1, o, kNow);
  EXPECT_FALSE(decision.create_job);
  o.digest = "sha256:pushed";
  decision = env::decide_build(build_view(status), 1, o, kNow);
  status = build_status(status, 1, decision, {{"m", 2, "sha256:m"}}, kNow);
  EXPECT_EQ(status.phase, api::BuildPhase::ready);
  EXPECT_EQ(status.image, "reg:5000/packages/ns/pkg@sha256:pushed");
  EXPECT_EQ(condition(status, kReady)["status"], "True");
  EXPECT_EQ(json(status)["image"], "reg:5000/packages/ns/pkg@sha256:pushed");
}

TEST(PackageStatus, AFailedBuildCarriesTheLogTailAndIsNotRetried) {
  auto o = observation();
  o.job = env::JobState::failed;
  o.job_failure_reason = "BackoffLimitExceeded";
  o.log = "Step 3/5\nERROR: No matching distribution found for nosuchpkg\n";
  auto decision = env::decide_build(build_view({}), 1, o, kNow);
  auto status = build_status({}, 1, decision, {}, kNow);
  EXPECT_EQ(status.phase, api::BuildPhase::failed);
  EXPECT_EQ(condition(status, kReady)["reason"], "PackageNotFound");
  ASSERT_TRUE(status.build_log_tail);
  EXPECT_NE(status.build_log_tail->find("nosuchpkg"), std::string::npos);
  // The Job is gone (TTL): the same tag is not built again.
  o.job = env::JobState::absent;
  decision = env::decide_build(build_view(status), 1, o, kNow);
  EXPECT_FALSE(decision.create_job);
  EXPECT_EQ(decision.status.phase, api::BuildPhase::failed);
}

TEST(PackageStatus, AStoredContextIsReadyWithItsUri) {
  api::ModelPackageStatus previous;
  previous.build_job = "old";
  auto status = context_stored_status(previous, 2, "kiln-abc",
                                      "oci://reg:5000/kiln/package-contexts@sha256:c", {}, kNow);
  EXPECT_EQ(status.phase, api::BuildPhase::ready);
  EXPECT_EQ(status.context_uri, "oci://reg:5000/kiln/package-contexts@sha256:c");
  EXPECT_FALSE(status.build_job);
  EXPECT_EQ(condition(status, kReady)["reason"], "ContextStored");
  EXPECT_NE(condition(status, kReady)["message"].get<std::string>().find("kiln-fetch pull"),
            std::string::npos);
  EXPECT_EQ(json(status)["contextUri"], "oci://reg:5000/kiln/package-contexts@sha256:c");
}

}  // namespace
}  // namespace kiln::reconcilers::model_package
