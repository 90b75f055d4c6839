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

EnvironmentController::EnvironmentController(std::shared_ptr<kube::RestClient> client,
                                             EnvironmentControllerOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      builder_(client_, options_.registry, options_.job) {}

std::string EnvironmentController::resolve_base(const std::string& image) {
  auto reference = oci::ImageReference::parse(image);
  std::optional<oci::Descriptor> descriptor;
  if (reference.registry == options_.registry.registry) {
    // A base in Kiln's own registry (the runtime image) is reached as that
    // registry is; once per generation, so a client of its own is cheap enough.
    oci::RegistryClient own(options_.registry);
    descriptor = own.head_manifest(reference.repository, reference.reference());
  } else {
    oci::RegistryClient base(
        oci::RegistryClient::options_for(reference.registry, options_.base_docker_config,
                                         options_.base_ca_file, options_.base_plain_http));
    descriptor = base.head_manifest(reference.repository, reference.reference());
  }
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
    builder_.observe(observed, plan.context);
  }

  auto decision =
      env::decide_build(environment.status, generation, observed, std::chrono::system_clock::now());
  if (decision.create_job && builder_.start(observed, plan.context, spec.build)) {
    spdlog::info("environment {}/{}: build Job {} started", ns, name, observed.job_name);
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
