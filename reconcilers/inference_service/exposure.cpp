#include "reconcilers/inference_service/exposure.hpp"

#include "reconcilers/inference_service/names.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

using nlohmann::json;

std::string name_of(const api::InferenceService& s) {
  return api::meta_name(s.metadata);
}

api::ExposureKind kind_of(const api::Exposure& e) {
  return e.kind.value_or(api::ExposureKind::ingress);
}

// The Service's port the route sends to: 443 (https) with in-cluster TLS.
json backend_port_name(const api::InferenceService& s) {
  return s.spec.tls ? "https" : "http";
}

json certificate(const json& owner, const std::string& name, const json& dns_names,
                 const api::IssuerReference& issuer) {
  return {{"apiVersion", "cert-manager.io/v1"},
          {"kind", "Certificate"},
          {"metadata", child_metadata(owner, name)},
          {"spec",
           {{"secretName", name},
            {"dnsNames", dns_names},
            {"issuerRef",
             {{"group", "cert-manager.io"},
              {"kind", issuer.kind.value_or("Issuer")},
              {"name", issuer.name}}}}}};
}

}  // namespace

std::string serving_tls_secret(const api::InferenceService& s) {
  if (!s.spec.tls) return "";
  return s.spec.tls->secret_name.value_or(name_of(s) + "-serving-tls");
}

std::string exposure_tls_secret(const api::InferenceService& s) {
  if (!s.spec.exposure || !s.spec.exposure->tls) return "";
  return s.spec.exposure->tls->secret_name.value_or(name_of(s) + "-exposure-tls");
}

json ingress(const api::InferenceService& s, const json& owner) {
  const auto& e = s.spec.exposure;
  if (!e || kind_of(*e) != api::ExposureKind::ingress) return nullptr;
  const std::string name = name_of(s);
  json spec = {
      {"rules",
       json::array({{{"host", e->host},
                     {"http",
                      {{"paths",
                        json::array({{{"path", "/"},
                                      {"pathType", "Prefix"},
                                      {"backend",
                                       {{"service",
                                         {{"name", name},
                                          {"port", {{"name", backend_port_name(s)}}}}}}}}})}}}}})}};
  if (e->ingress_class_name) spec["ingressClassName"] = *e->ingress_class_name;
  if (e->tls) {
    spec["tls"] =
        json::array({{{"hosts", json::array({e->host})}, {"secretName", exposure_tls_secret(s)}}});
  }
  json metadata = child_metadata(owner, name);
  if (s.spec.tls) {
    // The Ingress API has no backend protocol; ingress-nginx reads this one.
    metadata["annotations"] = {{"nginx.ingress.kubernetes.io/backend-protocol", "HTTPS"}};
  }
  return {{"apiVersion", "networking.k8s.io/v1"},
          {"kind", "Ingress"},
          {"metadata", metadata},
          {"spec", spec}};
}

json http_route(const api::InferenceService& s, const json& owner) {
  const auto& e = s.spec.exposure;
  if (!e || kind_of(*e) != api::ExposureKind::http_route || !e->gateway) return nullptr;
  const std::string name = name_of(s);
  json parent = {
      {"group", "gateway.networking.k8s.io"}, {"kind", "Gateway"}, {"name", e->gateway->name}};
  if (e->gateway->ns) parent["namespace"] = *e->gateway->ns;
  if (e->gateway->section_name) parent["sectionName"] = *e->gateway->section_name;
  return {{"apiVersion", "gateway.networking.k8s.io/v1"},
          {"kind", "HTTPRoute"},
          {"metadata", child_metadata(owner, name)},
          {"spec",
           {{"parentRefs", json::array({parent})},
            {"hostnames", json::array({e->host})},
            {"rules",
             json::array(
                 {{{"matches", json::array({{{"path", {{"type", "PathPrefix"}, {"value", "/"}}}}})},
                   {"backendRefs", json::array({{{"group", ""},
                                                 {"kind", "Service"},
                                                 {"name", name},
                                                 {"port", s.spec.tls ? 443 : 80},
                                                 {"weight", 1}}})}}})}}}};
}

json exposure_certificate(const api::InferenceService& s, const json& owner) {
  const auto& e = s.spec.exposure;
  if (!e || !e->tls || !e->tls->issuer_ref) return nullptr;
  return certificate(owner, exposure_tls_secret(s), json::array({e->host}), *e->tls->issuer_ref);
}

json serving_certificate(const api::InferenceService& s, const json& owner,
                         const ServingOptions& options) {
  if (!s.spec.tls || !s.spec.tls->issuer_ref) return nullptr;
  const std::string name = name_of(s);
  const std::string ns = api::meta_namespace(s.metadata);
  return certificate(owner, serving_tls_secret(s),
                     json::array({name, name + "." + ns, name + "." + ns + ".svc",
                                  name + "." + ns + ".svc." + options.cluster_domain}),
                     *s.spec.tls->issuer_ref);
}

std::optional<Problem> exposure_problem(const api::InferenceService& s,
                                        const ServingOptions& options) {
  const auto& e = s.spec.exposure;
  if (e && kind_of(*e) == api::ExposureKind::http_route && !options.gateway_api) {
    return Problem{"GatewayAPINotInstalled",
                   "spec.exposure.kind is HTTPRoute but the Gateway API "
                   "(gateway.networking.k8s.io/v1 HTTPRoute) was not served when kiln-operator "
                   "started; install its CRDs and restart kiln-operator, or use kind Ingress"};
  }
  const bool wants_issuer =
      (e && e->tls && e->tls->issuer_ref) || (s.spec.tls && s.spec.tls->issuer_ref);
  if (wants_issuer && !options.cert_manager) {
    return Problem{"CertManagerNotInstalled",
                   "a tls.issuerRef needs cert-manager (cert-manager.io/v1 Certificate), which "
                   "was not served when kiln-operator started; install cert-manager and restart "
                   "kiln-operator, or give a certificate Secret in tls.secretName"};
  }
  return std::nullopt;
}

std::string base_url(const api::InferenceService& s, const ServingOptions& options) {
  if (const auto& e = s.spec.exposure) {
    return std::string(e->tls ? "https://" : "http://") + e->host;
  }
  return std::string(s.spec.tls ? "https://" : "http://") + name_of(s) + "." +
         api::meta_namespace(s.metadata) + ".svc." + options.cluster_domain;
}

}  // namespace kiln::reconcilers::inference_service
