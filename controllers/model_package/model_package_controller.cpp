#include "controllers/model_package/model_package_controller.hpp"

#include <spdlog/spdlog.h>

#include "crds/kinds.hpp"
#include "crds/model.hpp"
#include "crds/model_package.hpp"
#include "operator/kube/api_error.hpp"
#include "operator/oci/digest.hpp"
#include "operator/oci/image_manifest.hpp"
#include "operator/oci/registry_error.hpp"
#include "reconcilers/environment/build_decision.hpp"
#include "reconcilers/environment/content_tag.hpp"
#include "reconcilers/environment/environment_renderer.hpp"
#include "reconcilers/model_package/context_archive.hpp"
#include "reconcilers/model_package/package_plan.hpp"
#include "reconcilers/model_package/package_status.hpp"

namespace kiln::controllers::model_package {

namespace env = reconcilers::environment;
namespace pkg = reconcilers::model_package;
using nlohmann::json;

namespace {

std::optional<json> get_optional(kube::RestClient& client, const kube::ResourceRef& resource,
                                 const std::string& ns, const std::string& name) {
  try {
    return client.get(resource, ns, name);
  } catch (const kube::NotFoundError&) {
    return std::nullopt;
  }
}

}  // namespace

ModelPackageController::ModelPackageController(std::shared_ptr<kube::RestClient> client,
                                               ModelPackageControllerOptions options)
    : client_(std::move(client)),
      options_(std::move(options)),
      builder_(client_, options_.registry, options_.job),
      registry_(options_.registry) {}

std::string ModelPackageController::store_context(const std::string& repository,
                                                  const std::string& tag,
                                                  const std::string& archive) {
  const std::string path = repository.substr(repository.find('/') + 1);
  std::lock_guard lock(registry_mutex_);
  if (auto existing = registry_.head_manifest(path, tag)) return existing->digest;
  const std::string layer = oci::sha256_digest(oci::sha256_hex(archive));
  registry_.push_blob(path, layer, archive);
  const std::string config = oci::single_layer_config(layer);
  const std::string config_digest = oci::sha256_digest(oci::sha256_hex(config));
  registry_.push_blob(path, config_digest, config);
  const std::string manifest =
      oci::image_manifest({std::string(oci::kOciConfig), config_digest, config.size()},
                          {{std::string(oci::kOciLayerTar), layer, archive.size()}});
  return registry_.put_manifest(path, tag, manifest, oci::kOciManifest);
}

runtime::ReconcileResult ModelPackageController::reconcile(const std::string& ns,
                                                           const std::string& name) {
  auto object = get_optional(*client_, api::model_packages(), ns, name);
  if (!object) return runtime::ReconcileResult::done();  // deleted: a shared Job builds on
  api::ModelPackage package;
  try {
    package = object->get<api::ModelPackage>();
  } catch (const std::exception& e) {
    return runtime::ReconcileResult::terminal_error(std::string("cannot read ModelPackage: ") +
                                                    e.what());
  }
  api::apply_defaults(package);
  const auto generation = api::meta_generation(package.metadata);
  const auto now = std::chrono::system_clock::now();

  // What the package is made of.
  std::optional<api::Environment> environment;
  if (auto e = get_optional(*client_, api::environments(), ns, package.spec.environment_ref.name)) {
    environment = e->get<api::Environment>();
  }
  reconcilers::inference_service::ModelsByName models;
  for (const auto& m : client_->list(api::models(), ns).value("items", json::array())) {
    auto model = m.get<api::Model>();
    models[api::meta_name(model.metadata)] = std::move(model);
  }
  std::optional<json> config_map;
  if (const auto& ref = package.spec.inference_config.source.config_map) {
    config_map = get_optional(*client_, kube::resources::config_maps(), ns, ref->name);
  }
  auto plan =
      pkg::plan_package(package, environment, models, config_map, options_.registry.registry);

  api::ModelPackageStatus status;
  runtime::ReconcileResult result = runtime::ReconcileResult::done();
  if (auto* problem = std::get_if<pkg::PackageProblem>(&plan)) {
    status = pkg::problem_status(package.status, generation, *problem, now);
    if (problem->waiting) result = runtime::ReconcileResult::requeue_after(options_.waiting_poll);
  } else {
    // One render and content tag, for a stored context or a build alike.
    const auto& p = std::get<pkg::PackagePlan>(plan);
    auto rendered =
        env::render_package_on_image(p.environment_image, p.models, p.sources, options_.render);
    const std::string error =
        rendered.ok() ? env::context_too_large(rendered.context) : rendered.error;
    std::string tag;
    if (error.empty()) {
      const std::string digest = p.environment_image.substr(p.environment_image.find('@') + 1);
      tag = env::content_tag({rendered.context, digest, options_.render.serve_version});
    }
    if (p.format == api::PackageFormat::docker_context) {
      if (!error.empty()) {
        status = pkg::problem_status(package.status, generation,
                                     {pkg::kReady, "InvalidPackage", error, false}, now);
      } else {
        try {
          const std::string stored =
              store_context(p.repository, tag, pkg::context_archive(rendered.context));
          status = pkg::context_stored_status(package.status, generation, tag,
                                              "oci://" + p.repository + "@" + stored,
                                              p.model_versions, now);
        } catch (const oci::CredentialsRefusedError& e) {
          status = pkg::problem_status(
              package.status, generation,
              {pkg::kReady, "RegistryAuthRefused",
               std::string("Kiln's registry refused the push credentials: ") + e.what(), false},
              now);
        } catch (const std::exception& e) {
          status = pkg::problem_status(
              package.status, generation,
              {pkg::kReady, "RegistryUnavailable",
               std::string("cannot store the build context: ") + e.what(), true},
              now);
          result = runtime::ReconcileResult::requeue_after(options_.waiting_poll);
        }
      }
    } else {
      env::BuildObservation observed;
      observed.repository = p.repository;
      observed.render_error = error;
      if (error.empty()) {
        observed.tag = tag;
        observed.job_name = env::build_job_name(observed.repository, observed.tag);
        builder_.observe(observed, rendered.context);
      }
      auto decision = env::decide_build(pkg::build_view(package.status), generation, observed, now);
      if (decision.create_job && builder_.start(observed, rendered.context, std::nullopt)) {
        spdlog::info("modelpackage {}/{}: build Job {} started", ns, name, observed.job_name);
      }
      status = pkg::build_status(package.status, generation, decision, p.model_versions, now);
      if (status.phase == api::BuildPhase::building) {
        result = runtime::ReconcileResult::requeue_after(options_.building_poll);
      }
    }
  }

  json wanted = status;
  if (wanted != json(package.status)) {
    (*object)["status"] = wanted;
    try {
      client_->update_status(api::model_packages(), *object);
    } catch (const kube::ConflictError&) {
      return runtime::ReconcileResult::requeue();
    }
  }
  return result;
}

}  // namespace kiln::controllers::model_package
