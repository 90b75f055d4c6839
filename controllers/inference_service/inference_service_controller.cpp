#include "controllers/inference_service/inference_service_controller.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <future>
#include <map>
#include <optional>

#include "controllers/inference_service/random_keys.hpp"
#include "crds/json_fields.hpp"
#include "crds/kinds.hpp"
#include "operator/kube/api_error.hpp"
#include "operator/kube/call_scope.hpp"
#include "operator/kube/owner_references.hpp"
#include "operator/manager/apply_memo.hpp"
#include "operator/manager/event_mapping.hpp"
#include "operator/manager/predicates.hpp"
#include "operator/runtime/conditions.hpp"
#include "reconcilers/inference_service/cached_fields.hpp"
#include "reconcilers/inference_service/desired_state.hpp"
#include "reconcilers/inference_service/names.hpp"
#include "reconcilers/inference_service/problem.hpp"
#include "reconcilers/inference_service/rollout.hpp"
#include "reconcilers/inference_service/script_source.hpp"
#include "reconcilers/inference_service/status.hpp"

namespace kiln::controllers {
namespace {

using nlohmann::json;
using namespace nlohmann::literals;
namespace isvc = reconcilers::inference_service;
namespace res = kube::resources;

// The cached ConfigMaps keep only this hash of their content, not their data.
constexpr const char* kContentHashAnnotation = "kiln.dev/content-hash";

std::string ref_key(const std::string& ns, const std::string& name) {
  return ns + "/" + name;
}

// Indexes from an InferenceService to what it references.
std::vector<std::string> referenced_models(const json& o) {
  std::vector<std::string> out;
  const std::string ns = o["metadata"].value("namespace", "");
  const json models = o.value("/spec/models"_json_pointer, json());
  if (models.is_array()) {
    for (const auto& m : models) {
      if (m.is_object() && m.contains("name") && m["name"].is_string()) {
        out.push_back(ref_key(ns, m["name"].get<std::string>()));
      }
    }
  }
  return out;
}

std::vector<std::string> referenced_environment(const json& o) {
  const json name = o.value("/spec/environmentRef/name"_json_pointer, json());
  if (!name.is_string()) return {};
  return {ref_key(o["metadata"].value("namespace", ""), name.get<std::string>())};
}

std::vector<std::string> referenced_config_map(const json& o) {
  const json name = o.value("/spec/inferenceConfig/source/configMap/name"_json_pointer, json());
  if (!name.is_string()) return {};
  return {ref_key(o["metadata"].value("namespace", ""), name.get<std::string>())};
}

// ConfigMaps are cached as their metadata plus a content hash: enough to
// roll pods when a script changes, without holding every script in memory.
void hash_config_map(json& cm) {
  const std::string hash = isvc::config_map_content_hash(cm);
  cm.erase("data");
  cm.erase("binaryData");
  cm["metadata"]["annotations"][kContentHashAnnotation] = hash;
  isvc::trim_cached_metadata(cm);
}

kube::ResourceRef resource_of(const json& object) {
  const std::string kind = object.value("kind", "");
  if (kind == "Deployment") return res::deployments();
  if (kind == "DaemonSet") return res::daemon_sets();
  if (kind == "Service") return res::services();
  if (kind == "HorizontalPodAutoscaler") return res::horizontal_pod_autoscalers();
  if (kind == "PodDisruptionBudget") return res::pod_disruption_budgets();
  if (kind == "Secret") return res::secrets();
  if (kind == "ConfigMap") return res::config_maps();
  if (kind == "Ingress") return res::ingresses();
  if (kind == "HTTPRoute") return http_routes();
  if (kind == "Certificate") return certificates();
  throw std::logic_error("no resource for kind " + kind);
}

void set_cache_options_once(manager::Manager& mgr, const kube::ResourceRef& r,
                            manager::CacheOptions options) {
  try {
    mgr.set_cache_options(r, std::move(options));
  } catch (const std::logic_error& e) {
    spdlog::info("inference-service controller: cache options for {} already set ({}); using them",
                 r.resource, e.what());
  }
}

class Reconciler {
 public:
  Reconciler(manager::Manager& mgr, InferenceServiceControllerOptions options)
      : mgr_(mgr), options_(std::move(options)) {}

  runtime::ReconcileResult operator()(const manager::Request& req, manager::ReconcileContext& ctx) {
    auto object = ctx.object();
    if (!object) return ctx.not_found();
    const json& raw = *object;
    api::InferenceService service;
    try {
      service = raw.get<api::InferenceService>();
    } catch (const std::exception& e) {
      return invalid(ctx, raw, std::string("the object cannot be read: ") + e.what());
    }
    api::apply_defaults(service);
    if (auto errors = api::validate(service); !errors.empty()) {
      return invalid(ctx, raw, api::to_string(errors));
    }

    const auto& spec = service.spec;
    isvc::ModelsByName models;
    for (const auto& ref : spec.models) {
      if (auto m = cached(api::models(), req.ns, ref.name)) {
        try {
          models.emplace(ref.name, m->get<api::Model>());
        } catch (const std::exception& e) {
          ctx.log().warn("Model {}/{} cannot be read: {}", req.ns, ref.name, e.what());
        }
      }
    }
    std::optional<api::Environment> environment;
    if (spec.environment_ref) {
      if (auto e = cached(api::environments(), req.ns, spec.environment_ref->name)) {
        try {
          environment = e->get<api::Environment>();
        } catch (const std::exception& ex) {
          ctx.log().warn("Environment {}/{} cannot be read: {}", req.ns, spec.environment_ref->name,
                         ex.what());
        }
      }
    }
    std::optional<std::string> script_hash;
    if (const auto& cm = spec.inference_config.source.config_map) {
      if (auto o = cached(res::config_maps(), req.ns, cm->name)) {
        script_hash = (*o)["metadata"]["annotations"].value(kContentHashAnnotation, "");
      }
    }
    const json keys_secret = observed_keys_secret(ctx, service);
    const isvc::FreshKeys fresh{random_service_key(), random_service_key()};
    const isvc::ServingOptions& serving = options_.serving;

    const isvc::DesiredState desired = isvc::desired_state(
        {service, models, environment, script_hash, keys_secret, fresh, serving});

    ctx.log().debug("applying {} children, removing up to {}", desired.apply.size(),
                    desired.remove.size());
    json workload = nullptr;
    std::vector<json> applied = apply_children(ctx, req.ns, desired.apply);
    for (std::size_t i = 0; i < applied.size(); ++i) {
      const std::string kind = desired.apply[i].value("kind", "");
      if (kind == "Deployment" || kind == "DaemonSet") workload = std::move(applied[i]);
    }
    remove_unwanted(ctx, raw, desired.remove);
    if (!workload.is_object()) workload = cached_workload(service);

    for (const auto& change : desired.keys.changes) {
      ctx.events().record(
          raw, kube::EventType::kNormal, change, "Keys",
          change == "KeysGenerated"
              ? "generated primary and secondary keys in Secret " + desired.keys.secret_name
              : "rotated a key in Secret " + desired.keys.secret_name);
    }
    for (const auto& warning : desired.keys.warnings) {
      ctx.events().record(raw, kube::EventType::kWarning, "InvalidRotationAnnotation", "Keys",
                          warning);
    }

    std::vector<json> pods;
    const auto autoscaling = api::effective_autoscaling(spec);
    const bool need_diagnosis =
        !isvc::assess_rollout(workload, autoscaling ? autoscaling->min_replicas.value_or(1) : 0)
             .complete;
    const auto now = std::chrono::system_clock::now();
    if (need_diagnosis &&
        isvc::worth_diagnosing(workload, now,
                               std::chrono::seconds(options_.diagnosis_grace_seconds))) {
      pods = list_pods(ctx, service);
    }

    const auto status = isvc::compute_status({service, desired, workload, pods, serving, now});
    if (isvc::worth_writing(service.status, status)) {
      write_status(ctx, raw, status);
      report_transition(ctx, raw, service.status, status);
    }
    // The user's keys Secret is not watched: look again until it is right.
    if ((need_diagnosis && desired.workload_applied) || desired.keys.problem) {
      return runtime::ReconcileResult::requeue_after(
          std::chrono::seconds(options_.recheck_seconds));
    }
    return runtime::ReconcileResult::done();
  }

 private:
  // Applies the children that need it side by side: they do not depend on
  // one another for the API server (a pod whose ConfigMap or Secret lands a
  // moment after it is retried by the kubelet), so a new service's first
  // reconcile costs one round trip instead of one per child. Returns each
  // child as applied or cached, in order; the first failure is rethrown once
  // every apply has finished.
  std::vector<json> apply_children(manager::ReconcileContext& ctx, const std::string& ns,
                                   const std::vector<json>& children) {
    std::vector<json> out(children.size());
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < children.size(); ++i) {
      const auto existing =
          cached(resource_of(children[i]), ns, children[i]["metadata"].value("name", ""));
      if (memo_->current(children[i], existing.get())) {
        out[i] = *existing;
      } else {
        todo.push_back(i);
      }
    }
    if (todo.size() == 1) out[todo[0]] = apply_child(ctx, ns, children[todo[0]]);
    if (todo.size() <= 1) return out;
    std::vector<std::future<json>> pending;
    for (std::size_t i : todo) {
      pending.push_back(
          std::async(std::launch::async, [this, &ctx, &ns, &children, i, stop = ctx.stop()] {
            kube::CallScope scope(stop);
            return apply_child(ctx, ns, children[i]);
          }));
    }
    std::exception_ptr failure;
    for (std::size_t k = 0; k < todo.size(); ++k) {
      try {
        out[todo[k]] = pending[k].get();
      } catch (...) {
        if (!failure) failure = std::current_exception();
      }
    }
    if (failure) std::rethrow_exception(failure);
    return out;
  }

  // Server-side applies `child` unless the cache shows it exactly as this
  // controller last applied it (most reconciles follow a child's own status
  // change and would re-send every child unchanged). Returns the object as
  // applied, or the cached copy when the apply was skipped.
  json apply_child(manager::ReconcileContext& ctx, const std::string& ns, const json& child) {
    const auto r = resource_of(child);
    const auto existing = cached(r, ns, child["metadata"].value("name", ""));
    if (memo_->current(child, existing.get())) return *existing;
    try {
      json applied = ctx.client().apply(r, child, isvc::kFieldManager, true);
      memo_->record(child, applied);
      return applied;
    } catch (...) {
      memo_->forget(child);
      throw;
    }
  }

  kube::ObjectPtr cached(const kube::ResourceRef& r, const std::string& ns,
                         const std::string& name) {
    return mgr_.informer(r).cache().get(ns, name);
  }

  // The keys Secret, read from the API: the operator caches Secrets as
  // metadata only (their data never sits in its memory), and a Secret created
  // a moment ago may not be cached yet; regenerating its keys would be wrong.
  // The user's keysSecretRef is read too, to check it exists and holds both
  // keys (it is not cached: only Kiln's children are).
  json observed_keys_secret(manager::ReconcileContext& ctx, const api::InferenceService& s) {
    if (!api::effective_auth_enabled(s.spec)) return nullptr;
    const std::string ns = api::meta_namespace(s.metadata);
    const std::string name = s.spec.auth && s.spec.auth->keys_secret_ref
                                 ? s.spec.auth->keys_secret_ref->name
                                 : isvc::keys_secret_name(api::meta_name(s.metadata));
    try {
      return ctx.client().get(res::secrets(), ns, name);
    } catch (const kube::NotFoundError&) {
      return nullptr;
    }
  }

  json cached_workload(const api::InferenceService& s) {
    const std::string ns = api::meta_namespace(s.metadata);
    const std::string name = isvc::workload_name(api::meta_name(s.metadata));
    const bool edge = s.spec.target.value_or(api::Target::cluster) == api::Target::edge;
    auto o = cached(edge ? res::daemon_sets() : res::deployments(), ns, name);
    return o ? *o : json(nullptr);
  }

  void remove_unwanted(manager::ReconcileContext& ctx, const json& owner,
                       const std::vector<isvc::ChildRef>& unwanted) {
    const std::string ns = owner["metadata"].value("namespace", "");
    for (const auto& child : unwanted) {
      const json stub = {{"kind", child.kind}};
      const auto r = resource_of(stub);
      auto existing = cached(r, ns, child.name);
      if (!existing || !kube::is_controlled_by(*existing, owner)) continue;
      try {
        ctx.client().remove(r, ns, child.name);
        ctx.events().record(owner, kube::EventType::kNormal, "ChildRemoved", "Delete",
                            child.kind + " " + child.name + " is no longer needed");
      } catch (const kube::NotFoundError&) {
      }
    }
  }

  std::vector<json> list_pods(manager::ReconcileContext& ctx, const api::InferenceService& s) {
    kube::ListOptions options;
    options.label_selector = std::string(isvc::kServiceLabel) + "=" + api::meta_name(s.metadata);
    options.limit = 20;
    try {
      json list = ctx.client().list(res::pods(), api::meta_namespace(s.metadata), options);
      std::vector<json> pods;
      for (auto& p : list["items"]) pods.push_back(std::move(p));
      return pods;
    } catch (const std::exception& e) {
      ctx.log().warn("cannot list pods to diagnose the rollout: {}", e.what());
      return {};
    }
  }

  void write_status(manager::ReconcileContext& ctx, const json& raw,
                    const api::InferenceServiceStatus& status) {
    json patch = {
        {"apiVersion", api::kApiVersion},
        {"kind", api::kInferenceServiceKind},
        {"metadata",
         {{"name", raw["metadata"]["name"]}, {"namespace", raw["metadata"]["namespace"]}}},
        {"status", status}};
    ctx.client().apply_status(api::inference_services(), patch, isvc::kFieldManager, true);
  }

  runtime::ReconcileResult invalid(manager::ReconcileContext& ctx, const json& raw,
                                   const std::string& message) {
    api::InferenceServiceStatus status;
    try {
      status = raw.value("status", json::object()).get<api::InferenceServiceStatus>();
    } catch (const std::exception&) {
    }
    const auto before = status;
    json holder = json::object();
    holder["conditions"] = status.conditions;
    runtime::set_condition(holder,
                           {"Ready", "False", "InvalidSpec", message + "; fix the spec",
                            api::meta_generation(raw["metadata"])},
                           std::chrono::system_clock::now());
    status.conditions = holder["conditions"];
    status.observed_generation = api::meta_generation(raw["metadata"]);
    if (isvc::status_changed(before, status)) {
      write_status(ctx, raw, status);
      ctx.events().record(raw, kube::EventType::kWarning, "InvalidSpec", "Validate", message);
    }
    // Retrying cannot fix the spec; its next edit is a new event.
    return runtime::ReconcileResult::terminal_error(message);
  }

  void report_transition(manager::ReconcileContext& ctx, const json& raw,
                         const api::InferenceServiceStatus& before,
                         const api::InferenceServiceStatus& after) {
    const json was = isvc::condition_in(before.conditions, "Ready");
    const json now = isvc::condition_in(after.conditions, "Ready");
    if (!now.is_object()) return;
    const std::string reason = now.value("reason", "");
    if (was.is_object() && was.value("reason", "") == reason &&
        was.value("status", "") == now.value("status", "")) {
      return;
    }
    if (!isvc::worth_an_event(before, after)) {
      ctx.log().debug("Ready={} reason={} (first rollout)", now.value("status", ""), reason);
      return;
    }
    const bool ready = now.value("status", "") == "True";
    ctx.log().info("Ready={} reason={}: {}", now.value("status", ""), reason,
                   now.value("message", ""));
    const bool waiting = reason == "RollingOut" || reason == "RolloutPending" ||
                         reason == "WorkloadMissing" || reason == "EnvironmentBuilding";
    ctx.events().record(raw,
                        ready || waiting ? kube::EventType::kNormal : kube::EventType::kWarning,
                        reason, ready ? "Serve" : "Reconcile", now.value("message", ""));
  }

  manager::Manager& mgr_;
  InferenceServiceControllerOptions options_;
  // Shared by the workers (the Reconciler is copied into the controller once).
  std::shared_ptr<manager::ApplyMemo> memo_ = std::make_shared<manager::ApplyMemo>();
};

}  // namespace

kube::ResourceRef http_routes() {
  return {"gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute", true};
}

kube::ResourceRef certificates() {
  return {"cert-manager.io", "v1", "certificates", "Certificate", true};
}

void add_inference_service_controller(manager::Manager& mgr,
                                      const InferenceServiceControllerOptions& options) {
  // Only Kiln's own children are cached, trimmed to what the reconciler reads.
  manager::CacheOptions ours;
  ours.label_selector = "app.kubernetes.io/managed-by=kiln";
  manager::CacheOptions workloads = ours;
  workloads.transform = isvc::trim_cached_workload;
  manager::CacheOptions metadata = ours;
  metadata.transform = isvc::trim_cached_child;
  manager::CacheOptions config_maps;  // the users' script ConfigMaps too, as hashes
  config_maps.transform = hash_config_map;
  // Secrets: kiln-operator caches them as metadata only (operator/app/main.cpp);
  // the keys are read from the API when needed.
  manager::CacheOptions secrets = ours;
  secrets.metadata_only = true;
  secrets.transform = isvc::trim_cached_child;
  set_cache_options_once(mgr, res::secrets(), secrets);
  set_cache_options_once(mgr, res::config_maps(), config_maps);
  set_cache_options_once(mgr, res::deployments(), workloads);
  set_cache_options_once(mgr, res::daemon_sets(), workloads);
  std::vector<kube::ResourceRef> metadata_only = {res::services(),
                                                  res::horizontal_pod_autoscalers(),
                                                  res::pod_disruption_budgets(), res::ingresses()};
  // Optional kinds: watched only when their API was served at start.
  if (options.serving.gateway_api) metadata_only.push_back(http_routes());
  if (options.serving.cert_manager) metadata_only.push_back(certificates());
  for (const auto& r : metadata_only) set_cache_options_once(mgr, r, metadata);

  auto& services = mgr.informer(api::inference_services());
  services.add_index(kModelIndex, referenced_models);
  services.add_index(kEnvironmentIndex, referenced_environment);
  services.add_index(kConfigMapIndex, referenced_config_map);
  auto by_index = [&services](const char* index) {
    return [&services, index](const json& o) {
      return manager::requests_by_index(
          services.cache(), index,
          ref_key(o["metadata"].value("namespace", ""), o["metadata"].value("name", "")));
    };
  };

  auto builder = mgr.controller("inferenceservice");
  builder
      .for_resource(
          api::inference_services(),
          {manager::any_of({manager::generation_changed(), manager::annotations_changed()})})
      .owns(res::deployments())
      .owns(res::daemon_sets())
      .owns(res::services())
      .owns(res::horizontal_pod_autoscalers())
      .owns(res::pod_disruption_budgets())
      .owns(res::secrets())
      .owns(res::config_maps())
      .owns(res::ingresses())
      .watches(api::models(), by_index(kModelIndex))
      .watches(api::environments(), by_index(kEnvironmentIndex))
      .watches(res::config_maps(), by_index(kConfigMapIndex))
      // Write new services' children before reporting on rollouts under way.
      .owned_priority(kChildEventPriority);
  if (options.serving.gateway_api) builder.owns(http_routes());
  if (options.serving.cert_manager) builder.owns(certificates());
  builder.workers(options.workers).complete(Reconciler(mgr, options));
}

}  // namespace kiln::controllers
