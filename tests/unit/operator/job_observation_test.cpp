// Reading a registration Job and its pods.
#include "controllers/model/job_observation.hpp"

#include <gtest/gtest.h>

namespace {

using nlohmann::json;
using namespace kiln::controllers::model;
using kiln::reconcilers::model::JobState;

json pod(const std::string& created, const std::string& message) {
  return {{"metadata", {{"creationTimestamp", created}}},
          {"status",
           {{"containerStatuses",
             {{{"name", "kiln-fetch"},
               {"state", {{"terminated", {{"exitCode", 0}, {"message", message}}}}}}}}}}};
}

TEST(JobObservation, RunningJob) {
  json job = {{"metadata", {{"name", "m-register-1"}}}, {"status", {{"active", 1}}}};
  EXPECT_FALSE(job_finished(job));
  auto o = observe_job(job, {});
  EXPECT_EQ(o.name, "m-register-1");
  EXPECT_EQ(o.state, JobState::running);
  EXPECT_FALSE(o.termination_message);
}

TEST(JobObservation, ReadsTheSourceSecretVersionItRanWith) {
  json job = {
      {"metadata",
       {{"name", "m-register-1"}, {"annotations", {{"kiln.dev/source-secret-version", "4711"}}}}}};
  EXPECT_EQ(observe_job(job, {}).source_secret_version, "4711");
  EXPECT_FALSE(observe_job({{"metadata", {{"name", "m"}}}}, {}).source_secret_version);
}

TEST(JobObservation, CompleteJobTakesTheNewestPodsMessage) {
  json job = {{"metadata", {{"name", "m-register-1"}}},
              {"status",
               {{"completionTime", "2026-11-21T21:00:00Z"},
                {"conditions",
                 {{{"type", "SuccessCriteriaMet"}, {"status", "True"}},
                  {{"type", "Complete"}, {"status", "True"}}}}}}};
  ASSERT_TRUE(job_finished(job));
  auto o =
      observe_job(job, {pod("2026-11-21T20:58:00Z", "old"), pod("2026-11-21T20:59:00Z", "new")});
  EXPECT_EQ(o.state, JobState::succeeded);
  EXPECT_EQ(o.termination_message, "new");
  ASSERT_TRUE(o.finished_at);
}

TEST(JobObservation, FailedJobKeepsItsReason) {
  json job = {{"metadata", {{"name", "m-register-1"}}},
              {"status",
               {{"conditions",
                 {{{"type", "Failed"},
                   {"status", "True"},
                   {"reason", "BackoffLimitExceeded"},
                   {"message", "Job has reached the specified backoff limit"},
                   {"lastTransitionTime", "2026-11-21T21:00:00Z"}}}}}}};
  auto o = observe_job(job, {json{{"metadata", {{"creationTimestamp", "x"}}}}});
  EXPECT_EQ(o.state, JobState::failed);
  EXPECT_EQ(o.failure_detail, "BackoffLimitExceeded: Job has reached the specified backoff limit");
  EXPECT_FALSE(o.termination_message);
  EXPECT_TRUE(o.finished_at);
}

}  // namespace
