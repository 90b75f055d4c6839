#pragma once

// How an InferenceService is reached: outside the cluster through an Ingress
// or a Gateway API HTTPRoute (spec.exposure), and inside it over HTTPS when
// spec.tls is set; the certificates (the user's Secret, or a cert-manager
// Certificate Kiln creates) and the URLs status reports.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "crds/inference_service.hpp"
#include "reconcilers/inference_service/options.hpp"
#include "reconcilers/inference_service/problem.hpp"

namespace kiln::reconcilers::inference_service {

// Where kiln-serve finds its certificate when spec.tls is set.
inline constexpr const char* kTlsDir = "/var/run/kiln/tls";

// The Secret holding the in-cluster serving certificate: spec.tls.secretName,
// or <name>-serving-tls (cert-manager's); "" without spec.tls.
std::string serving_tls_secret(const api::InferenceService& service);

// The Secret holding the certificate for spec.exposure.host: the user's, or
// <name>-exposure-tls (cert-manager's); "" without exposure TLS.
std::string exposure_tls_secret(const api::InferenceService& service);

// networking.k8s.io/v1 Ingress for spec.exposure of kind Ingress, else null.
nlohmann::json ingress(const api::InferenceService& service, const nlohmann::json& owner);

// gateway.networking.k8s.io/v1 HTTPRoute for kind HTTPRoute, else null.
nlohmann::json http_route(const api::InferenceService& service, const nlohmann::json& owner);

// cert-manager.io/v1 Certificate for the exposure host when
// spec.exposure.tls.issuerRef is set, else null.
nlohmann::json exposure_certificate(const api::InferenceService& service,
                                    const nlohmann::json& owner);

// cert-manager.io/v1 Certificate for <name>.<namespace>.svc[.<domain>] when
// spec.tls.issuerRef is set, else null.
nlohmann::json serving_certificate(const api::InferenceService& service,
                                   const nlohmann::json& owner, const ServingOptions& options);

// What the cluster lacks for what the spec asks (GatewayAPINotInstalled,
// CertManagerNotInstalled), as known when the operator started.
std::optional<Problem> exposure_problem(const api::InferenceService& service,
                                        const ServingOptions& options);

// scheme://host of status.scoringUri: the exposure host when exposed, else
// the Service's cluster DNS name; https when TLS covers that hop.
std::string base_url(const api::InferenceService& service, const ServingOptions& options);

}  // namespace kiln::reconcilers::inference_service
