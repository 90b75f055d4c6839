#include "controllers/environment/image_builder.hpp"

#include <spdlog/spdlog.h>

#include "operator/kube/api_error.hpp"
#include "operator/oci/registry_error.hpp"

namespace kiln::controllers::environment {

namespace env = reconcilers::environment;

namespace {

// The Job's state, and for a failed one its reason.
env::JobState job_state(const nlohmann::json& job, std::string& failure_reason) {
  for (const auto& c : job.value("/status/conditions"_json_pointer, nlohmann::json::array())) {
    if (c.value("status", "") != "True") continue;
    if (c.value("type", "") == "Complete") return env::JobState::succeeded;
    if (c.value("type", "") == "Failed") {
      failure_reason = c.value("reason", "");
      return env::JobState::failed;
    }
  }
  return env::JobState::running;
}

// The context ConfigMap, owned by its Job: garbage-collected with it
// (ttlSecondsAfterFinished).
nlohmann::json context_owned_by(const env::BuildObservation& observed,
                                const env::BuildContext& context,
                                const env::BuildJobOptions& options, const nlohmann::json& job) {
  auto config_map =
      env::build_context_config_map(observed.repository, observed.tag, context, options);
  env::set_owned_by_job(config_map, job["metadata"]["name"], job["metadata"]["uid"]);
  return config_map;
}

}  // namespace

ImageBuilder::ImageBuilder(std::shared_ptr<kube::RestClient> client, oci::RegistryOptions registry,
                           env::BuildJobOptions job)
    : client_(std::move(client)), job_(std::move(job)), registry_(std::move(registry)) {}

void ImageBuilder::observe(env::BuildObservation& observed, const env::BuildContext& context) {
  const std::string path = observed.repository.substr(observed.repository.find('/') + 1);
  try {
    std::lock_guard lock(registry_mutex_);
    if (auto d = registry_.head_manifest(path, observed.tag)) observed.digest = d->digest;
  } catch (const oci::CredentialsRefusedError& e) {
    observed.registry_error = e.what();
    observed.registry_refused = true;
  } catch (const std::exception& e) {
    observed.registry_error = e.what();
  }
  if (observed.digest || !observed.registry_error.empty()) return;
  try {
    auto job = client_->get(kube::resources::jobs(), job_.namespace_, observed.job_name);
    observed.job = job_state(job, observed.job_failure_reason);
    if (observed.job == env::JobState::running) ensure_context(job, observed, context);
    if (observed.job == env::JobState::failed) {
      kube::ListOptions list;
      list.label_selector = "job-name=" + observed.job_name;
      for (const auto& pod : client_->list(kube::resources::pods(), job_.namespace_, list)
                                 .value("items", nlohmann::json::array())) {
        for (const auto& s :
             pod.value("/status/containerStatuses"_json_pointer, nlohmann::json::array())) {
          observed.log = s.value("/state/terminated/message"_json_pointer, observed.log);
        }
      }
    }
  } catch (const kube::NotFoundError&) {
    observed.job = env::JobState::absent;
  }
}

void ImageBuilder::ensure_context(const nlohmann::json& job, const env::BuildObservation& observed,
                                  const env::BuildContext& context) {
  try {
    client_->get(kube::resources::config_maps(), job_.namespace_, observed.job_name);
    return;
  } catch (const kube::NotFoundError&) {
  }
  try {
    client_->create(kube::resources::config_maps(), context_owned_by(observed, context, job_, job),
                    job_.namespace_);
    contexts_restored_++;
    spdlog::info("build Job {} had no context ConfigMap (its creator stopped): created it",
                 observed.job_name);
  } catch (const kube::AlreadyExistsError&) {
  }
}

bool ImageBuilder::start(const env::BuildObservation& observed, const env::BuildContext& context,
                         const std::optional<api::BuildSettings>& build) {
  auto job = env::build_job(observed.tag, context, observed.repository, build, job_);
  try {
    auto created = client_->create(kube::resources::jobs(), job, job_.namespace_);
    jobs_created_++;
    client_->create(kube::resources::config_maps(),
                    context_owned_by(observed, context, job_, created), job_.namespace_);
    spdlog::info("building {}:{} in Job {}", observed.repository, observed.tag, observed.job_name);
    return true;
  } catch (const kube::AlreadyExistsError&) {
    return false;  // another worker, replica or object started this build: wait on it
  }
}

}  // namespace kiln::controllers::environment
