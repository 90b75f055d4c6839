#include "reconcilers/inference_service/desired_state.hpp"

#include "reconcilers/inference_service/children.hpp"
#include "reconcilers/inference_service/exposure.hpp"
#include "reconcilers/inference_service/image_resolution.hpp"
#include "reconcilers/inference_service/names.hpp"
#include "reconcilers/inference_service/pod_template.hpp"
#include "reconcilers/inference_service/script_source.hpp"

namespace kiln::reconcilers::inference_service {

using nlohmann::json;

json owner_of(const api::InferenceService& service) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", api::kInferenceServiceKind},
          {"metadata", service.metadata}};
}

namespace {

// The Ingress or HTTPRoute and the cert-manager Certificates; what the
// cluster does not serve is neither applied nor removed.
void add_exposure(const api::InferenceService& service, const json& owner,
                  const ServingOptions& options, DesiredState& out) {
  const std::string name = api::meta_name(service.metadata);
  out.exposure_problem = exposure_problem(service, options);
  json route = ingress(service, owner);
  if (route.is_object()) {
    out.apply.push_back(route);
  } else {
    out.remove.push_back({"networking.k8s.io/v1", "Ingress", name});
  }
  if (options.gateway_api) {
    route = http_route(service, owner);
    if (route.is_object()) {
      out.apply.push_back(route);
    } else {
      out.remove.push_back({"gateway.networking.k8s.io/v1", "HTTPRoute", name});
    }
  }
  if (options.cert_manager) {
    json cert = serving_certificate(service, owner, options);
    if (cert.is_object()) {
      out.apply.push_back(cert);
    } else {
      out.remove.push_back({"cert-manager.io/v1", "Certificate", name + "-serving-tls"});
    }
    cert = exposure_certificate(service, owner);
    if (cert.is_object()) {
      out.apply.push_back(cert);
    } else {
      out.remove.push_back({"cert-manager.io/v1", "Certificate", name + "-exposure-tls"});
    }
  }
}

}  // namespace

DesiredState desired_state(const Inputs& in) {
  DesiredState out;
  const auto& service = in.service;
  const std::string name = api::meta_name(service.metadata);
  const std::string ns = api::meta_namespace(service.metadata);
  const auto target = service.spec.target.value_or(api::Target::cluster);
  const json owner = owner_of(service);

  auto models = resolve_models(service.spec.models, in.models, ns);
  if (auto* p = std::get_if<Problem>(&models)) out.models_problem = *p;
  auto image = resolve_image(service.spec, in.environment, ns);
  if (auto* p = std::get_if<Problem>(&image)) out.image_problem = *p;
  auto script = plan_script(service, owner, in.script_config_map_hash);
  if (auto* p = std::get_if<Problem>(&script)) out.script_problem = *p;

  out.keys = plan_keys(service, owner, in.keys_secret, in.fresh_keys);

  if (auto* plan = std::get_if<ScriptPlan>(&script); plan && plan->config_map.is_object()) {
    out.apply.push_back(plan->config_map);
  } else if (!service.spec.inference_config.source.inline_script) {
    out.remove.push_back({"v1", "ConfigMap", script_config_map_name(name)});
  }
  if (out.keys.secret.is_object()) {
    out.apply.push_back(out.keys.secret);
  } else {
    out.remove.push_back({"v1", "Secret", keys_secret_name(name)});
  }
  out.apply.push_back(inference_service::service(service, owner));

  const bool edge = target == api::Target::edge;
  out.remove.push_back(edge ? ChildRef{"apps/v1", "Deployment", workload_name(name)}
                            : ChildRef{"apps/v1", "DaemonSet", workload_name(name)});
  if (!out.models_problem && !out.image_problem && !out.script_problem && !out.keys.problem) {
    out.models = std::get<std::vector<ResolvedModel>>(models);
    out.image = std::get<std::string>(image);
    const json pod = pod_template({service, out.models, out.image, std::get<ScriptPlan>(script),
                                   out.keys.secret_name, in.options});
    out.apply.push_back(edge ? daemon_set(service, owner, pod) : deployment(service, owner, pod));
    out.workload_applied = true;
  }

  json hpa = horizontal_pod_autoscaler(service, owner);
  if (hpa.is_object()) {
    out.apply.push_back(hpa);
  } else {
    out.remove.push_back({"autoscaling/v2", "HorizontalPodAutoscaler", name});
  }
  json pdb = pod_disruption_budget(service, owner);
  if (pdb.is_object()) {
    out.apply.push_back(pdb);
  } else {
    out.remove.push_back({"policy/v1", "PodDisruptionBudget", name});
  }
  add_exposure(service, owner, in.options, out);
  return out;
}

}  // namespace kiln::reconcilers::inference_service
