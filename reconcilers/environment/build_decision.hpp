#pragma once

// What the Environment controller does next and the status it reports (pure).
//
//   render error ............................ Failed (InvalidEnvironment), no Job
//   push credentials refused (HEAD 401/403) . Failed (RegistryAuthRefused), no Job
//   registry unreachable .................... unchanged phase (RegistryUnavailable), retried
//   push credentials refused (HEAD 401/403) . Failed (RegistryAuthRefused), no Job
//   registry unreachable .................... unchanged phase (RegistryUnavailable), retried
//   repository:tag in the registry (HEAD) ... Ready, image = repository@digest, no Job
//   no Job, tag never failed ................ create the Job, Building
//   Job running ............................. Building (progress from the log)
//   Job failed .............................. Failed with the reason and log tail; not retried
//   Job succeeded, tag not in registry ...... Failed (PushNotVisible)
//
// While a new tag builds or fails, status.image stays on the last good image
// (InferenceServices keep serving it); Ready is False with the reason.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "crds/environment.hpp"

namespace kiln::reconcilers::environment {

enum class JobState { absent, running, succeeded, failed };

struct BuildObservation {
  std::string render_error;  // the renderer's (or the Python pin check's) error
  std::string repository;    // where the image goes
  std::string tag;           // the content tag
  std::optional<std::string>
      digest;                     // the registry's manifest digest for repository:tag (HEAD hit)
  std::string registry_error;     // HEAD failed (unreachable, 5xx): not a miss
  bool registry_refused = false;  // HEAD answered 401/403 to the push credentials
  JobState job = JobState::absent;
  std::string job_name;
  std::string job_failure_reason;  // the Job's Failed condition reason
  std::string log;                 // the builder's log (or termination message), for a failed Job
  std::string progress;            // the current step, for a running Job
};

struct BuildDecision {
  api::EnvironmentStatus status;
  bool create_job = false;
};

BuildDecision decide_build(const api::EnvironmentStatus& previous, std::int64_t generation,
                           const BuildObservation& observed,
                           std::chrono::system_clock::time_point now);

}  // namespace kiln::reconcilers::environment
