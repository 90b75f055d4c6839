#include "controllers/environment/environment_controller.hpp"

#include <spdlog/spdlog.h>

#include "crds/environment.hpp"
#include "operator/kube/api_error.hpp"
#include "operator/oci/image_reference.hpp"
#include "operator/oci/registry_error.hpp"
#include "reconcilers/environment/base_image_pin.hpp"
#include "reconcilers/environment/build_decision.hpp"
#include "reconcilers/environment/build_plan.hpp"
#include "reconcilers/environment/python_setup.hpp"

namespace kiln::controllers::environment {

namespace env = reconcilers::environment;

kube::ResourceRef environments_resource() {
  return {api::kGroup, api::kVersion, api::kEnvironmentPlural, api::kEnvironmentKind, true};
}

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

}  // namespace

EnvironmentController::EnvironmentController(std::shared_ptr<kube::RestClient> client,
                                             EnvironmentControllerOptions options)
    : client_(std::move(client)), options_(std::move(options)), registry_(options_.registry) {}

std::string EnvironmentController::resolve_base(const std::string& image) {
  auto reference = oci::ImageReference::parse(image);
  oci::RegistryClient base(
      oci::RegistryClient::options_for(reference.registry, options_.base_docker_config,
                                       options_.base_ca_file, options_.base_plain_http));
  auto descriptor = base.head_manifest(reference.repository, reference.reference());
  if (!descriptor)
    throw oci::NotFoundError(404, "MANIFEST_UNKNOWN", "base image " + image + " not found");
  return descriptor->digest;
}

runtime::ReconcileResult EnvironmentController::reconcile(const std::string& ns,
                                                          const std::string& name) {
  nlohmann::json object;
  try {
    object = client_->get(environments_resource(), ns, name);
  } catch (const kube::NotFoundError&) {
    return runtime::ReconcileResult::done();  // deleted: its Job (if any) builds on for others
  }
  api::Environment environment = object.get<api::Environment>();
  api::apply_defaults(environment);
  const auto& spec = environment.spec;
  const std::int64_t generation = api::meta_generation(environment.metadata);

  env::BuildObservation observed;
  observed.repository =
      env::build_repository(spec, options_.registry.registry + "/" + options_.repository_path);
  observed.render_error = env::unsupported_python(spec);

  // The base image, pinned once per generation.
  std::optional<std::string> pinned;
  std::string base_digest;
  if (observed.render_error.empty() && spec.base_image) {
    auto pin = env::read_pin(environment.metadata);
    if (env::needs_resolve(pin, *spec.base_image, environment.metadata)) {
      try {
        std::string token;
        if (auto a = environment.metadata.find("annotations");
            a != environment.metadata.end() && a->contains(env::kReResolveAnnotation)) {
          token = (*a)[env::kReResolveAnnotation].get<std::string>();
        }
        pin =
            env::BaseImagePin{*spec.base_image, resolve_base(*spec.base_image), generation, token};
        // The patched object carries the new resourceVersion for the status write below.
        object = client_->patch(environments_resource(), ns, name, kube::PatchType::kMerge,
                                {{"metadata", {{"annotations", env::pin_annotations(*pin)}}}});
      } catch (const oci::NotFoundError&) {
        observed.render_error = "base image " + *spec.base_image + " not found: check baseImage";
      } catch (const std::exception& e) {
        observed.render_error = "cannot resolve base image " + *spec.base_image + ": " + e.what();
      }
    }
    if (pin && observed.render_error.empty()) {
      pinned = pin->pinned_reference();
      base_digest = pin->digest;
    }
  }

  env::BuildPlan plan;
  if (observed.render_error.empty()) {
    plan = env::plan_build(spec, options_.render, observed.repository, pinned, base_digest);
    observed.render_error = plan.error;
  }
  if (observed.render_error.empty()) {
    observed.tag = plan.tag;
    observed.job_name = plan.job_name;
    const std::string path = observed.repository.substr(observed.repository.find('/') + 1);
    try {
      std::lock_guard lock(registry_mutex_);
      if (auto d = registry_.head_manifest(path, observed.tag)) observed.digest = d->digest;
    } catch (const oci::UnauthorizedError& e) {
      observed.registry_error = e.what();
      observed.registry_refused = true;
    } catch (const oci::ForbiddenError& e) {
      observed.registry_error = e.what();
      observed.registry_refused = true;
    } catch (const std::exception& e) {
      observed.registry_error = e.what();
    }
    if (!observed.digest && observed.registry_error.empty()) {
      try {
        auto job =
            client_->get(kube::resources::jobs(), options_.job.namespace_, observed.job_name);
        observed.job = job_state(job, observed.job_failure_reason);
        if (observed.job == env::JobState::failed) {
          kube::ListOptions list;
          list.label_selector = "job-name=" + observed.job_name;
          for (const auto& pod :
               client_->list(kube::resources::pods(), options_.job.namespace_, list)
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
  }

  auto decision =
      env::decide_build(environment.status, generation, observed, std::chrono::system_clock::now());
  if (decision.create_job) {
    auto job =
        env::build_job(observed.tag, plan.context, observed.repository, spec.build, options_.job);
    try {
      auto created = client_->create(kube::resources::jobs(), job, options_.job.namespace_);
      jobs_created_++;
      auto config_map = env::build_context_config_map(observed.repository, observed.tag,
                                                      plan.context, options_.job);
      env::set_owned_by_job(config_map, observed.job_name, created["metadata"]["uid"]);
      client_->create(kube::resources::config_maps(), config_map, options_.job.namespace_);
      spdlog::info("environment {}/{}: building {}:{} in Job {}", ns, name, observed.repository,
                   observed.tag, observed.job_name);
    } catch (const kube::AlreadyExistsError&) {
      // Another worker, replica or Environment started this build: wait on it.
    }
  }
  nlohmann::json status = decision.status;
  if (status != nlohmann::json(environment.status)) {
    object["status"] = status;
    try {
      client_->update_status(environments_resource(), object);
    } catch (const kube::ConflictError&) {
      return runtime::ReconcileResult::requeue();
    }
  }
  if (decision.status.phase == api::BuildPhase::building) {
    return runtime::ReconcileResult::requeue_after(options_.building_poll);
  }
  return runtime::ReconcileResult::done();
}

}  // namespace kiln::controllers::environment
