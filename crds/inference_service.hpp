#pragma once

// InferenceService (kiln.dev/v1alpha1): crds/inferenceservices.kiln.dev.yaml in C++.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "crds/common_types.hpp"
#include "crds/field_error.hpp"

namespace kiln::api {

enum class Target { dev, cluster, edge, accelerated };
std::string_view to_string(Target target);
std::optional<Target> parse_target(std::string_view text);

struct Autoscaling {
  std::optional<std::int32_t> min_replicas;                      // default 1
  std::optional<std::int32_t> max_replicas;                      // default 10
  std::optional<std::int32_t> target_utilization;                // default 70 (%)
  std::optional<std::string> metric;                             // cpu | memory, default cpu
  std::optional<std::int32_t> scale_down_stabilization_seconds;  // default 300
  bool operator==(const Autoscaling&) const = default;
};

struct AuthSettings {
  std::optional<bool> enabled;  // unset: on for cluster and accelerated
  std::optional<LocalObjectReference> keys_secret_ref;
  bool operator==(const AuthSettings&) const = default;
};

struct ProbeSettings {
  std::optional<std::int32_t> initial_delay_seconds;  // default 0
  std::optional<std::int32_t> period_seconds;         // default 10
  std::optional<std::int32_t> timeout_seconds;        // default 2
  std::optional<std::int32_t> success_threshold;      // default 1
  std::optional<std::int32_t> failure_threshold;      // default 3
  bool operator==(const ProbeSettings&) const = default;
};

struct Probes {
  std::optional<ProbeSettings> readiness;
  std::optional<ProbeSettings> liveness;
  bool operator==(const Probes&) const = default;
};

struct GpuRequest {
  std::optional<std::int32_t> count;  // default 1
  std::optional<std::string> product;
  std::optional<std::string> memory;       // quantity
  std::optional<std::string> mig_profile;  // 1g.5gb
  bool operator==(const GpuRequest&) const = default;
};

struct FpgaRequest {
  std::string resource;
  std::optional<std::int32_t> count;  // default 1
  std::optional<std::string> bitstream;
  bool operator==(const FpgaRequest&) const = default;
};

struct Toleration {
  std::optional<std::string> key;
  std::optional<std::string> op;  // operator: Exists | Equal (default Equal)
  std::optional<std::string> value;
  std::optional<std::string> effect;
  std::optional<std::int64_t> toleration_seconds;
  bool operator==(const Toleration&) const = default;
};

// A cert-manager issuer (cert-manager.io/v1 Issuer or ClusterIssuer).
struct IssuerReference {
  std::string name;
  std::optional<std::string> kind;  // Issuer | ClusterIssuer, default Issuer
  bool operator==(const IssuerReference&) const = default;
};

// Where a certificate comes from: a kubernetes.io/tls Secret the user keeps,
// or a cert-manager Certificate Kiln creates from an issuer. Exactly one.
struct TlsSettings {
  std::optional<std::string> secret_name;
  std::optional<IssuerReference> issuer_ref;
  bool operator==(const TlsSettings&) const = default;
};

// The Gateway (gateway.networking.k8s.io/v1) an HTTPRoute attaches to.
struct GatewayReference {
  std::string name;
  std::optional<std::string> ns;  // namespace; default the service's
  std::optional<std::string> section_name;
  bool operator==(const GatewayReference&) const = default;
};

enum class ExposureKind { ingress, http_route };
std::string_view to_string(ExposureKind kind);

// Exposure outside the cluster at <host>: an Ingress or an HTTPRoute.
struct Exposure {
  std::optional<ExposureKind> kind;  // default Ingress
  std::string host;
  std::optional<std::string> ingress_class_name;  // Ingress only
  std::optional<GatewayReference> gateway;        // HTTPRoute only (required)
  std::optional<TlsSettings> tls;
  bool operator==(const Exposure&) const = default;
};

struct InferenceServiceSpec {
  std::vector<ModelReference> models;
  std::optional<LocalObjectReference> environment_ref;
  std::optional<std::string> image;
  InferenceConfig inference_config;
  std::optional<Target> target;  // default cluster
  std::optional<std::int32_t> replicas;
  std::optional<Autoscaling> autoscaling;
  std::optional<AuthSettings> auth;
  std::optional<std::int32_t> scoring_timeout_ms;                   // default 60000
  std::optional<std::int32_t> max_concurrent_requests_per_replica;  // default 1
  std::optional<std::int32_t> max_queue_wait_ms;                    // default 500
  std::optional<std::int32_t> workers;                              // default 1
  std::optional<Probes> probes;
  std::optional<ResourceRequirements> resources;
  std::optional<GpuRequest> gpu;
  std::optional<FpgaRequest> fpga;
  std::vector<EnvVar> env;
  std::map<std::string, std::string> node_selector;
  std::vector<Toleration> tolerations;
  std::vector<LocalObjectReference> image_pull_secrets;
  std::optional<std::string> service_account_name;
  std::optional<Exposure> exposure;
  std::optional<TlsSettings> tls;  // in-cluster TLS: kiln-serve serves HTTPS
  bool operator==(const InferenceServiceSpec&) const = default;
};

struct InferenceServiceStatus {
  std::optional<std::int64_t> observed_generation;
  std::optional<std::string> scoring_uri;
  std::optional<std::string> swagger_uri;
  std::optional<std::string> image;
  std::optional<std::int32_t> replicas;
  std::optional<std::string> keys_secret_name;
  std::optional<std::string> primary_key_rotated_at;    // RFC 3339
  std::optional<std::string> secondary_key_rotated_at;  // RFC 3339
  std::vector<ModelVersionStatus> model_versions;
  nlohmann::json conditions = nlohmann::json::array();
  bool operator==(const InferenceServiceStatus&) const = default;
};

struct InferenceService {
  nlohmann::json metadata = nlohmann::json::object();
  InferenceServiceSpec spec;
  InferenceServiceStatus status;
  bool operator==(const InferenceService&) const = default;
};

inline constexpr const char* kInferenceServiceKind = "InferenceService";
inline constexpr const char* kInferenceServicePlural = "inferenceservices";

void to_json(nlohmann::json& j, const Autoscaling& v);
void from_json(const nlohmann::json& j, Autoscaling& v);
void to_json(nlohmann::json& j, const AuthSettings& v);
void from_json(const nlohmann::json& j, AuthSettings& v);
void to_json(nlohmann::json& j, const ProbeSettings& v);
void from_json(const nlohmann::json& j, ProbeSettings& v);
void to_json(nlohmann::json& j, const Probes& v);
void from_json(const nlohmann::json& j, Probes& v);
void to_json(nlohmann::json& j, const GpuRequest& v);
void from_json(const nlohmann::json& j, GpuRequest& v);
void to_json(nlohmann::json& j, const FpgaRequest& v);
void from_json(const nlohmann::json& j, FpgaRequest& v);
void to_json(nlohmann::json& j, const Toleration& v);
void from_json(const nlohmann::json& j, Toleration& v);
void to_json(nlohmann::json& j, const IssuerReference& v);
void from_json(const nlohmann::json& j, IssuerReference& v);
void to_json(nlohmann::json& j, const TlsSettings& v);
void from_json(const nlohmann::json& j, TlsSettings& v);
void to_json(nlohmann::json& j, const GatewayReference& v);
void from_json(const nlohmann::json& j, GatewayReference& v);
void to_json(nlohmann::json& j, const Exposure& v);
void from_json(const nlohmann::json& j, Exposure& v);
void to_json(nlohmann::json& j, const InferenceServiceSpec& v);
void from_json(const nlohmann::json& j, InferenceServiceSpec& v);
void to_json(nlohmann::json& j, const InferenceServiceStatus& v);
void from_json(const nlohmann::json& j, InferenceServiceStatus& v);
void to_json(nlohmann::json& j, const InferenceService& v);
void from_json(const nlohmann::json& j, InferenceService& v);

// The CRD's defaults: target cluster, entryScript score.py, timeouts,
// concurrency, workers, and the defaults inside autoscaling, probes, gpu, fpga
// and tolerations when those are given.
void apply_defaults(InferenceService& service);

// Decisions the CRD leaves to the controller because they depend on the target.
bool effective_auth_enabled(const InferenceServiceSpec& spec);
// The autoscaling in force: as given; for cluster/accelerated with neither
// replicas nor autoscaling, 1-10 replicas at 70% CPU; otherwise none.
std::optional<Autoscaling> effective_autoscaling(const InferenceServiceSpec& spec);
// The fixed replica count when not autoscaled (1 for dev and edge by default).
std::int32_t effective_replicas(const InferenceServiceSpec& spec);

// What the CRD checks, plus what CEL cannot: reserved environment variable
// names, a MIG profile's memory against gpu.memory, quantities' values.
FieldErrors validate(const InferenceService& service);

}  // namespace kiln::api
