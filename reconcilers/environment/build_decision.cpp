#include "reconcilers/environment/build_decision.hpp"

#include "operator/runtime/conditions.hpp"
#include "reconcilers/environment/build_failure.hpp"

namespace kiln::reconcilers::environment {
namespace {

void ready(api::EnvironmentStatus& status, bool is_ready, const std::string& reason,
           const std::string& message, std::int64_t generation,
           std::chrono::system_clock::time_point now) {
  nlohmann::json holder = {{"conditions", status.conditions}};
  runtime::set_condition(holder,
                         {"Ready", is_ready ? "True" : "False", reason, message, generation}, now);
  status.conditions = holder["conditions"];
}

}  // namespace

BuildDecision decide_build(const api::EnvironmentStatus& previous, std::int64_t generation,
                           const BuildObservation& observed,
                           std::chrono::system_clock::time_point now) {
  BuildDecision d;
  d.status = previous;  // status.image stays on the last good image until a new one is pushed
  d.status.observed_generation = generation;
  d.status.build_log_tail.reset();
  const std::string destination = observed.repository + ":" + observed.tag;

  if (!observed.render_error.empty()) {
    d.status.phase = api::BuildPhase::failed;
    ready(d.status, false, "InvalidEnvironment", observed.render_error, generation, now);
    return d;
  }
  d.status.tag = observed.tag;
  if (!observed.registry_error.empty() && observed.registry_refused) {
    d.status.phase = api::BuildPhase::failed;
    ready(d.status, false, "RegistryAuthRefused",
          "Kiln's registry refused the push credentials when asked for " + destination + " (" +
              observed.registry_error + "): fix the operator's push Secret",
          generation, now);
    return d;
  }
  if (!observed.registry_error.empty()) {
    // Not knowing is not a miss: building now could push over a registry we cannot read.
    d.status.phase = previous.phase.value_or(api::BuildPhase::pending);
    ready(d.status, false, "RegistryUnavailable",
          "cannot ask the registry whether " + destination + " exists: " + observed.registry_error,
          generation, now);
    return d;
  }
  if (observed.digest) {
    d.status.phase = api::BuildPhase::ready;
    d.status.image = observed.repository + "@" + *observed.digest;
    if (observed.job != JobState::absent) d.status.build_job = observed.job_name;
    ready(d.status, true, "ImageReady", "built and pushed " + destination, generation, now);
    return d;
  }
  switch (observed.job) {
    case JobState::absent:
      if (previous.phase == api::BuildPhase::failed && previous.tag == observed.tag) {
        d.status.phase = api::BuildPhase::failed;
        d.status.build_log_tail = previous.build_log_tail;
        return d;  // failed builds are not retried; a spec change (a new tag) builds again
      }
      d.create_job = true;
      d.status.phase = api::BuildPhase::building;
      d.status.build_job = observed.job_name;
      ready(d.status, false, "Building",
            "building " + destination + " in Job " + observed.job_name +
                (previous.image ? "; status.image is the last good image until it is pushed" : ""),
            generation, now);
      return d;
    case JobState::running:
      d.status.phase = api::BuildPhase::building;
      d.status.build_job = observed.job_name;
      ready(d.status, false, "Building",
            "building " + destination + " in Job " + observed.job_name +
                (observed.progress.empty() ? "" : ": " + observed.progress),
            generation, now);
      return d;
    case JobState::failed: {
      auto failure = classify_build_failure(observed.job_failure_reason, log_tail(observed.log));
      d.status.phase = api::BuildPhase::failed;
      d.status.build_job = observed.job_name;
      d.status.build_log_tail = log_tail(observed.log);
      ready(d.status, false, failure.reason, failure.message, generation, now);
      return d;
    }
    case JobState::succeeded:
      d.status.phase = api::BuildPhase::failed;
      d.status.build_job = observed.job_name;
      ready(d.status, false, "PushNotVisible",
            "Job " + observed.job_name + " succeeded but " + destination +
                " is not in the registry: check that the builder and Kiln use the same registry",
            generation, now);
      return d;
  }
  return d;
}

}  // namespace kiln::reconcilers::environment
