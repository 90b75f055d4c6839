#include "reconcilers/model/model_reconciler.hpp"

#include "operator/kube/api_time.hpp"
#include "operator/runtime/conditions.hpp"
#include "reconcilers/model/fetch_result.hpp"

namespace kiln::reconcilers::model {

using nlohmann::json;
using Clock = std::chrono::system_clock;

namespace {

// Status conditions, edited as JSON through runtime::set_condition.
class StatusBuilder {
 public:
  StatusBuilder(const api::Model& model, Clock::time_point now)
      : status_(model.status), generation_(api::meta_generation(model.metadata)), now_(now) {
    status_.observed_generation = generation_;
    conditions_ = json{{"conditions", status_.conditions}};
  }

  void set(const char* type, const char* status, const std::string& reason,
           const std::string& message) {
    runtime::set_condition(conditions_, {type, status, reason, message, generation_}, now_);
  }
  // Registered and Ready together: Ready says whether the current spec is registered.
  void registered(const char* status, const std::string& reason, const std::string& message) {
    set(kRegistered, status, reason, message);
    set(kReady, status, reason, message);
  }

  api::ModelStatus& status() { return status_; }
  api::ModelStatus build() {
    status_.conditions = conditions_["conditions"];
    return status_;
  }

 private:
  api::ModelStatus status_;
  std::int64_t generation_;
  Clock::time_point now_;
  json conditions_;
};

std::string namespace_of(const api::Model& model) {
  return api::meta_namespace(model.metadata);
}

void record_version(StatusBuilder& b, const api::Model& model, const FetchSuccess& result,
                    std::int64_t version, Clock::time_point now) {
  auto& status = b.status();
  status.version = version;
  status.digest = result.digest;
  status.image = result.image;
  status.content_sha256 = result.content_sha256;
  status.size_bytes = result.size_bytes;
  api::ModelVersion entry{.version = version,
                          .digest = result.digest,
                          .image = result.image,
                          .content_sha256 = result.content_sha256,
                          .size_bytes = result.size_bytes,
                          .source_uri = model.spec.source.uri,
                          .registered_at = kube::format_api_time(now)};
  std::erase_if(status.versions, [&](const api::ModelVersion& v) { return v.version == version; });
  status.versions.insert(status.versions.begin(), entry);
  const auto keep = static_cast<std::size_t>(model.spec.retain_versions.value_or(10));
  if (status.versions.size() > keep) status.versions.resize(keep);
}

void on_success(Decision& d, StatusBuilder& b, const api::Model& model, const FetchSuccess& result,
                const RegistrationSettings& settings, Clock::time_point now) {
  const auto& current = model.status;
  std::int64_t version = current.version.value_or(0);
  if (current.digest != result.digest) {
    version += 1;
    d.tag =
        TagRequest{model_repository(settings, model), result.digest, "v" + std::to_string(version)};
    record_version(b, model, result, version, now);
  } else {
    // Same content: same version; refresh what the result says about it.
    b.status().image = result.image;
    b.status().content_sha256 = result.content_sha256;
    b.status().size_bytes = result.size_bytes;
  }
  b.set(kSourceReachable, "True", "SourceRead",
        "read " + std::to_string(result.size_bytes) + " bytes with sha256 " +
            result.content_sha256 + " from " + model.spec.source.uri);
  b.registered("True", "Registered",
               "version " + std::to_string(version) + " is " + result.image + " (tag v" +
                   std::to_string(version) + ")");
}

void on_failure(Decision& d, StatusBuilder& b, const api::Model& model, const ObservedJob& job,
                const FetchFailure& failure, Clock::time_point now) {
  const std::string message = failure.message + " (registration Job " + job.name + ")";
  if (is_source_failure(failure.reason)) {
    b.set(kSourceReachable, "False", failure.reason, message);
  } else if (failure.reason != "InvalidArguments") {
    b.set(kSourceReachable, "True", "SourceRead", "read " + model.spec.source.uri);
  }
  b.registered("False", failure.reason, message);
  if (is_transient(failure.reason)) {
    const auto due = job.finished_at.value_or(now) + kTransientRetry;
    if (due <= now) {
      d.delete_job = true;
      d.requeue_after = std::chrono::seconds(1);
    } else {
      d.requeue_after =
          std::chrono::duration_cast<std::chrono::seconds>(due - now) + std::chrono::seconds(1);
    }
  }
}

void on_unreadable(Decision& d, StatusBuilder& b, const ObservedJob& job, const std::string& detail,
                   Clock::time_point now) {
  std::string message = "registration Job " + job.name + " ended without a result (" + detail + ")";
  if (!job.failure_detail.empty()) message += ": " + job.failure_detail;
  message += "; see kubectl describe job/" + job.name + " and kubectl logs job/" + job.name;
  b.set(kSourceReachable, "Unknown", "RegistrationJobFailed", message);
  b.registered("False", "RegistrationJobFailed", message);
  const auto due = job.finished_at.value_or(now) + kUnreadableRetry;
  if (due <= now) {
    d.delete_job = true;
    d.requeue_after = std::chrono::seconds(1);
  } else {
    d.requeue_after =
        std::chrono::duration_cast<std::chrono::seconds>(due - now) + std::chrono::seconds(1);
  }
}

// The Job ran with another version of the source Secret than the one there now.
bool secret_changed_since(const ObservedJob& job, const Observed& observed) {
  return observed.source_secret_version &&
         job.source_secret_version.value_or("") != *observed.source_secret_version;
}

}  // namespace

Decision reconcile_model(const api::Model& model, const Observed& observed,
                         const RegistrationSettings& settings) {
  Decision d;
  StatusBuilder b(model, observed.now);
  const auto job_name = registration_job_name(model, settings);
  b.status().registration_job = job_name;

  if (auto errors = api::validate(model); !errors.empty()) {
    b.registered("False", "InvalidSpec", api::to_string(errors));
    d.status = b.build();
    return d;
  }
  if (settings.registry.empty() || settings.fetch_image.empty()) {
    b.registered("False", "RegistryNotConfigured",
                 "the operator runs without --registry or --fetch-image; models cannot be "
                 "registered until it is restarted with both");
    d.status = b.build();
    return d;
  }
  if (observed.source_secret_found == false) {
    const auto& name = model.spec.source.secret_ref->name;
    const std::string message =
        "Secret \"" + name + "\" not found in namespace " + namespace_of(model) +
        ": create it (https: key `headers`; s3: keys `accessKeyId` and `secretAccessKey`) or "
        "remove spec.source.secretRef";
    b.set(kSourceReachable, "False", "SecretNotFound", message);
    b.registered("False", "SecretNotFound", message);
    d.requeue_after = kMissingReferenceRetry;
    d.status = b.build();
    return d;
  }
  if (observed.source_ca_found == false) {
    const auto& name = model.spec.source.ca_config_map_ref->name;
    const std::string message =
        "ConfigMap \"" + name + "\" (the source's CA bundle) not found in namespace " +
        namespace_of(model) + ": create it or remove spec.source.caConfigMapRef";
    b.set(kSourceReachable, "False", "CAConfigMapNotFound", message);
    b.registered("False", "CAConfigMapNotFound", message);
    d.requeue_after = kMissingReferenceRetry;
    d.status = b.build();
    return d;
  }

  if (!observed.job || observed.job->name != job_name) {
    d.create_job =
        desired_registration_job(model, settings, observed.source_secret_version.value_or(""));
  }
  if (!observed.job || observed.job->name != job_name || observed.job->state == JobState::running) {
    const std::string message =
        "registration Job " + job_name + " is reading " + model.spec.source.uri;
    b.set(kSourceReachable, "Unknown", "Registering", message);
    b.registered("Unknown", "Registering", message);
    d.status = b.build();
    return d;
  }

  const auto& job = *observed.job;
  const auto result = parse_fetch_result(job.termination_message.value_or(""));
  if (const auto* success = std::get_if<FetchSuccess>(&result)) {
    if (job.state == JobState::succeeded) {
      on_success(d, b, model, *success, settings, observed.now);
    } else {
      on_unreadable(d, b, job, "it reported success but the Job failed", observed.now);
    }
  } else if (const auto* failure = std::get_if<FetchFailure>(&result)) {
    on_failure(d, b, model, job, *failure, observed.now);
    if (secret_changed_since(job, observed)) {
      // Wrong credentials fixed (or rotated): register again now, not only on a spec edit.
      d.delete_job = true;
      d.requeue_after = std::chrono::seconds(1);
      b.registered("False", failure->reason,
                   failure->message + " (registration Job " + job.name + "); Secret \"" +
                       model.spec.source.secret_ref->name + "\" changed since: registering again");
    }
  } else {
    on_unreadable(d, b, job, std::get<FetchUnreadable>(result).detail, observed.now);
  }
  d.status = b.build();
  return d;
}

api::ModelStatus tag_failed_status(const api::Model& model, const Decision& decision,
                                   const std::string& error, Clock::time_point now) {
  // Keep what the decision learned about the source, not the new version.
  api::Model unchanged = model;
  unchanged.status.conditions = decision.status.conditions;
  unchanged.status.registration_job = decision.status.registration_job;
  StatusBuilder b(unchanged, now);
  const std::string tag = decision.tag ? decision.tag->tag : "";
  b.registered("False", "TagFailed",
               "the image was pushed but tagging it " + tag + " failed: " + error + "; retrying");
  return b.build();
}

}  // namespace kiln::reconcilers::model
