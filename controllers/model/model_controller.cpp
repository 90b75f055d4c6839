#include "controllers/model/model_controller.hpp"

#include "controllers/model/job_observation.hpp"
#include "crds/json_fields.hpp"
#include "crds/kinds.hpp"
#include "crds/model.hpp"
#include "operator/kube/api_error.hpp"
#include "operator/manager/predicates.hpp"
#include "reconcilers/model/model_reconciler.hpp"

namespace kiln::controllers::model {

using nlohmann::json;
namespace rm = reconcilers::model;

namespace {

constexpr const char* kSourceSecretIndex = "source-secret";

class ModelReconciler {
 public:
  ModelReconciler(manager::Manager& mgr, ModelControllerOptions options,
                  std::shared_ptr<ManifestTagger> tagger)
      : mgr_(mgr), options_(std::move(options)), tagger_(std::move(tagger)) {
    auto& settings = options_.registration;
    if (!options_.registry_credentials.empty()) {
      settings.registry_secret = rm::kRegistrySecretName;
      settings.registry_has_config = options_.registry_credentials.docker_config_json.has_value();
      settings.registry_has_ca = options_.registry_credentials.ca_pem.has_value();
    }
  }

  runtime::ReconcileResult reconcile(const manager::Request& req, manager::ReconcileContext& ctx) {
    auto object = ctx.object();
    if (!object) return ctx.not_found();
    api::Model model;
    try {
      model = object->get<api::Model>();
    } catch (const api::DecodeError& e) {
      // The schema makes this unlikely; say so in the log, do not retry a bad object.
      return runtime::ReconcileResult::terminal_error(std::string("cannot read Model: ") +
                                                      e.what());
    }
    api::apply_defaults(model);
    auto& client = ctx.client();

    rm::Observed observed;
    observed.now = std::chrono::system_clock::now();
    const auto& source = model.spec.source;
    if (source.secret_ref) {
      try {
        const auto secret = client.get(kube::resources::secrets(), req.ns, source.secret_ref->name);
        observed.source_secret_found = true;
        observed.source_secret_version =
            secret.value("/metadata/resourceVersion"_json_pointer, std::string());
      } catch (const kube::NotFoundError&) {
        observed.source_secret_found = false;
      }
    }
    if (source.ca_config_map_ref) {
      observed.source_ca_found =
          exists(client, kube::resources::config_maps(), req.ns, source.ca_config_map_ref->name);
    }
    if (!options_.registry_credentials.empty()) ensure_registry_secret(client, req.ns, ctx);

    const auto& settings = options_.registration;
    const auto job_name = rm::registration_job_name(model, settings);
    auto& jobs = mgr_.informer(kube::resources::jobs()).cache();
    if (auto job = jobs.get(req.ns, job_name)) {
      std::vector<json> pods;
      if (job_finished(*job)) {
        kube::ListOptions list;
        list.label_selector = "batch.kubernetes.io/job-name=" + job_name;
        auto listed = client.list(kube::resources::pods(), req.ns, list);
        for (auto& pod : listed.value("items", json::array())) pods.push_back(std::move(pod));
      }
      observed.job = observe_job(*job, pods);
    }

    auto decision = rm::reconcile_model(model, observed, settings);

    if (decision.delete_job) {
      ctx.log().info("deleting failed registration Job {} to retry", job_name);
      remove_job(client, req.ns, job_name);
    }
    if (decision.create_job) {
      try {
        client.create(kube::resources::jobs(), *decision.create_job, req.ns, kModelFieldManager);
        ctx.log().info("created registration Job {} for {}", job_name, source.uri);
      } catch (const kube::AlreadyExistsError&) {
        // The cache had not seen it yet.
      }
    }
    // Finished Jobs of earlier specs are history; the current one is the record.
    const auto uid = model.metadata.value("uid", std::string());
    for (const auto& old : jobs.by_controller(uid)) {
      const auto name = old->value("/metadata/name"_json_pointer, std::string());
      if (name != job_name && job_finished(*old)) remove_job(client, req.ns, name);
    }

    auto status = decision.status;
    runtime::ReconcileResult result =
        decision.requeue_after ? runtime::ReconcileResult::requeue_after(*decision.requeue_after)
                               : runtime::ReconcileResult::done();
    if (decision.tag) {
      try {
        tagger_->tag(*decision.tag);
        ctx.events().record(*object, kube::EventType::kNormal, "Registered", "Register",
                            "version " + std::to_string(status.version.value_or(0)) + " is " +
                                status.image.value_or(""));
      } catch (const std::exception& e) {
        status = rm::tag_failed_status(model, decision, e.what(), observed.now);
        ctx.events().record(*object, kube::EventType::kWarning, "TagFailed", "Register", e.what());
        result = runtime::ReconcileResult::error(std::string("tagging failed: ") + e.what());
      }
    }
    write_status(client, *object, status);
    return result;
  }

 private:
  static bool exists(kube::RestClient& client, const kube::ResourceRef& resource,
                     const std::string& ns, const std::string& name) {
    try {
      client.get(resource, ns, name);
      return true;
    } catch (const kube::NotFoundError&) {
      return false;
    }
  }

  static void remove_job(kube::RestClient& client, const std::string& ns, const std::string& name) {
    kube::DeleteOptions options;
    options.propagation = kube::PropagationPolicy::kBackground;  // its pods too
    try {
      client.remove(kube::resources::jobs(), ns, name, options);
    } catch (const kube::NotFoundError&) {
    }
  }

  void ensure_registry_secret(kube::RestClient& client, const std::string& ns,
                              manager::ReconcileContext& ctx) {
    const auto desired =
        desired_registry_secret(ns, rm::kRegistrySecretName, options_.registry_credentials);
    try {
      auto current = client.get(kube::resources::secrets(), ns, rm::kRegistrySecretName);
      if (current.value("data", json::object()) == desired["data"]) return;
    } catch (const kube::NotFoundError&) {
    }
    client.apply(kube::resources::secrets(), desired, kModelFieldManager);
    ctx.log().info("wrote registry credentials Secret {}/{}", ns, rm::kRegistrySecretName);
  }

  static void write_status(kube::RestClient& client, const json& object,
                           const api::ModelStatus& status) {
    json wanted = status;
    if (object.value("status", json::object()) == wanted) return;
    json patch = {
        {"apiVersion", api::kApiVersion},
        {"kind", api::kModelKind},
        {"metadata",
         {{"name", object["metadata"]["name"]}, {"namespace", object["metadata"]["namespace"]}}},
        {"status", wanted}};
    client.apply_status(api::models(), patch, kModelFieldManager);
  }

  manager::Manager& mgr_;
  ModelControllerOptions options_;
  std::shared_ptr<ManifestTagger> tagger_;
};

}  // namespace

void add_model_controller(manager::Manager& mgr, ModelControllerOptions options,
                          std::shared_ptr<ManifestTagger> tagger) {
  const auto namespaces = options.namespaces;
  const int workers = options.workers;
  auto reconciler = std::make_shared<ModelReconciler>(mgr, std::move(options), std::move(tagger));
  // Models by the Secret they read ("namespace/name"), so a Secret created
  // after its Model (SecretNotFound) reconciles the Model at once.
  // Jobs by their controlling Model, to clean up the finished Jobs of earlier specs.
  mgr.informer(kube::resources::jobs())
      .add_index(std::string(kube::kControllerOwnerIndex), kube::index_by_controller_owner);
  mgr.informer(api::models()).add_index(kSourceSecretIndex, [](const json& m) {
    const auto name = m.value("/spec/source/secretRef/name"_json_pointer, std::string());
    if (name.empty()) return std::vector<std::string>{};
    return std::vector<std::string>{m.value("/metadata/namespace"_json_pointer, std::string()) +
                                    "/" + name};
  });
  auto builder = mgr.controller("model");
  // Spec edits and the reregister annotation reconcile; status writes do not.
  builder
      .for_resource(
          api::models(),
          {manager::any_of({manager::generation_changed(), manager::annotations_changed()})})
      .owns(kube::resources::jobs())
      .watches(kube::resources::secrets(),
               [&mgr](const json& secret) {
                 return manager::requests_by_index(
                     mgr.informer(api::models()).cache(), kSourceSecretIndex,
                     secret.value("/metadata/namespace"_json_pointer, std::string()) + "/" +
                         secret.value("/metadata/name"_json_pointer, std::string()));
               })
      .workers(workers);
  if (!namespaces.empty()) {
    auto in_scope = [namespaces](const json& o) {
      return namespaces.contains(o.value("/metadata/namespace"_json_pointer, std::string()));
    };
    builder.with_event_filter(
        {in_scope, [in_scope](const json&, const json& o) { return in_scope(o); }, in_scope});
  }
  builder.complete([reconciler](const manager::Request& req, manager::ReconcileContext& ctx) {
    return reconciler->reconcile(req, ctx);
  });
}

}  // namespace kiln::controllers::model
