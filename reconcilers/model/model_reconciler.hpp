#pragma once

// The Model controller's decisions, pure: from a Model and what the
// controller observed (its Secret, CA ConfigMap and registration Job), the Job
// to create or delete, the registry tag to add and the status to write.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "crds/model.hpp"
#include "reconcilers/model/registration_job.hpp"

namespace kiln::reconcilers::model {

enum class JobState { running, succeeded, failed };

// The registration Job named registration_job_name(), as observed.
struct ObservedJob {
  std::string name;
  JobState state = JobState::running;
  // The kiln-fetch container's termination message (of the last pod that ran).
  std::optional<std::string> termination_message;
  // The Job's Failed condition, "BackoffLimitExceeded: ..." (for failures
  // without a termination message).
  std::string failure_detail;
  std::optional<std::chrono::system_clock::time_point> finished_at;
  // The source Secret's resourceVersion the Job ran with (its
  // kiln.dev/source-secret-version annotation); nullopt when it has none.
  std::optional<std::string> source_secret_version;
};

struct Observed {
  std::optional<bool> source_secret_found;  // nullopt: no secretRef
  // The source Secret's resourceVersion now (found Secrets only): a failed
  // registration whose Job ran with another one is run again.
  std::optional<std::string> source_secret_version;
  std::optional<bool> source_ca_found;  // nullopt: no caConfigMapRef
  std::optional<ObservedJob> job;
  std::chrono::system_clock::time_point now;
};

// Tag the manifest `digest` in `repository` as `tag` (v<N>).
struct TagRequest {
  std::string repository;
  std::string digest;
  std::string tag;
  bool operator==(const TagRequest&) const = default;
};

struct Decision {
  std::optional<nlohmann::json> create_job;
  bool delete_job = false;        // the observed Job failed transiently: run it again
  std::optional<TagRequest> tag;  // before writing status
  api::ModelStatus status;
  std::optional<std::chrono::seconds> requeue_after;
};

// Condition types and reasons.
inline constexpr const char* kReady = "Ready";
inline constexpr const char* kSourceReachable = "SourceReachable";
inline constexpr const char* kRegistered = "Registered";

// How long after a transient failure (DNS, unreachable) registration is tried again.
inline constexpr std::chrono::seconds kTransientRetry{60};
// ... and after a pod that died without a result (image pull, eviction, deadline).
inline constexpr std::chrono::seconds kUnreadableRetry{300};
// While a Secret or ConfigMap the Model needs is missing.
inline constexpr std::chrono::seconds kMissingReferenceRetry{30};

// `model` must have its defaults applied (api::apply_defaults).
Decision reconcile_model(const api::Model& model, const Observed& observed,
                         const RegistrationSettings& settings);

// The status to write when the tag of a decision failed: Registered and Ready
// False with reason TagFailed; version and digest stay as they were.
api::ModelStatus tag_failed_status(const api::Model& model, const Decision& decision,
                                   const std::string& error,
                                   std::chrono::system_clock::time_point now);

}  // namespace kiln::reconcilers::model
