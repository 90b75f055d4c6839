#include "crds/inference_service.hpp"

#include "crds/json_fields.hpp"
#include "crds/quantity.hpp"
#include "crds/text_checks.hpp"

namespace kiln::api {

using nlohmann::json;

std::string_view to_string(Target target) {
  switch (target) {
    case Target::dev:
      return "dev";
    case Target::cluster:
      return "cluster";
    case Target::edge:
      return "edge";
    case Target::accelerated:
      return "accelerated";
  }
  return "cluster";
}

std::optional<Target> parse_target(std::string_view text) {
  for (auto t : {Target::dev, Target::cluster, Target::edge, Target::accelerated}) {
    if (to_string(t) == text) return t;
  }
  return std::nullopt;
}

void to_json(json& j, const Autoscaling& v) {
  j = json::object();
  write_optional(j, "minReplicas", v.min_replicas);
  write_optional(j, "maxReplicas", v.max_replicas);
  write_optional(j, "targetUtilization", v.target_utilization);
  write_optional(j, "metric", v.metric);
  write_optional(j, "scaleDownStabilizationSeconds", v.scale_down_stabilization_seconds);
}
void from_json(const json& j, Autoscaling& v) {
  expect_object(j, "autoscaling");
  read_optional(j, "minReplicas", v.min_replicas);
  read_optional(j, "maxReplicas", v.max_replicas);
  read_optional(j, "targetUtilization", v.target_utilization);
  read_optional(j, "metric", v.metric);
  read_optional(j, "scaleDownStabilizationSeconds", v.scale_down_stabilization_seconds);
}

void to_json(json& j, const AuthSettings& v) {
  j = json::object();
  write_optional(j, "enabled", v.enabled);
  write_optional(j, "keysSecretRef", v.keys_secret_ref);
}
void from_json(const json& j, AuthSettings& v) {
  expect_object(j, "auth");
  read_optional(j, "enabled", v.enabled);
  read_optional(j, "keysSecretRef", v.keys_secret_ref);
}

void to_json(json& j, const ProbeSettings& v) {
  j = json::object();
  write_optional(j, "initialDelaySeconds", v.initial_delay_seconds);
  write_optional(j, "periodSeconds", v.period_seconds);
  write_optional(j, "timeoutSeconds", v.timeout_seconds);
  write_optional(j, "successThreshold", v.success_threshold);
  write_optional(j, "failureThreshold", v.failure_threshold);
}
void from_json(const json& j, ProbeSettings& v) {
  expect_object(j, "probe");
  read_optional(j, "initialDelaySeconds", v.initial_delay_seconds);
  read_optional(j, "periodSeconds", v.period_seconds);
  read_optional(j, "timeoutSeconds", v.timeout_seconds);
  read_optional(j, "successThreshold", v.success_threshold);
  read_optional(j, "failureThreshold", v.failure_threshold);
}

void to_json(json& j, const Probes& v) {
  j = json::object();
  write_optional(j, "readiness", v.readiness);
  write_optional(j, "liveness", v.liveness);
}
void from_json(const json& j, Probes& v) {
  expect_object(j, "probes");
  read_optional(j, "readiness", v.readiness);
  read_optional(j, "liveness", v.liveness);
}

void to_json(json& j, const GpuRequest& v) {
  j = json::object();
  write_optional(j, "count", v.count);
  write_optional(j, "product", v.product);
  write_optional(j, "memory", v.memory);
  write_optional(j, "migProfile", v.mig_profile);
}
void from_json(const json& j, GpuRequest& v) {
  expect_object(j, "gpu");
  read_optional(j, "count", v.count);
  read_optional(j, "product", v.product);
  read_optional(j, "memory", v.memory);
  read_optional(j, "migProfile", v.mig_profile);
}

void to_json(json& j, const FpgaRequest& v) {
  j = json{{"resource", v.resource}};
  write_optional(j, "count", v.count);
  write_optional(j, "bitstream", v.bitstream);
}
void from_json(const json& j, FpgaRequest& v) {
  expect_object(j, "fpga");
  read_field(j, "resource", v.resource);
  read_optional(j, "count", v.count);
  read_optional(j, "bitstream", v.bitstream);
}

void to_json(json& j, const Toleration& v) {
  j = json::object();
  write_optional(j, "key", v.key);
  write_optional(j, "operator", v.op);
  write_optional(j, "value", v.value);
  write_optional(j, "effect", v.effect);
  write_optional(j, "tolerationSeconds", v.toleration_seconds);
}
void from_json(const json& j, Toleration& v) {
  expect_object(j, "toleration");
  read_optional(j, "key", v.key);
  read_optional(j, "operator", v.op);
  read_optional(j, "value", v.value);
  read_optional(j, "effect", v.effect);
  read_optional(j, "tolerationSeconds", v.toleration_seconds);
}

std::string_view to_string(ExposureKind kind) {
  return kind == ExposureKind::http_route ? "HTTPRoute" : "Ingress";
}

void to_json(json& j, const IssuerReference& v) {
  j = json{{"name", v.name}};
  write_optional(j, "kind", v.kind);
}
void from_json(const json& j, IssuerReference& v) {
  expect_object(j, "issuerRef");
  read_field(j, "name", v.name);
  read_optional(j, "kind", v.kind);
}

void to_json(json& j, const TlsSettings& v) {
  j = json::object();
  write_optional(j, "secretName", v.secret_name);
  write_optional(j, "issuerRef", v.issuer_ref);
}
void from_json(const json& j, TlsSettings& v) {
  expect_object(j, "tls");
  read_optional(j, "secretName", v.secret_name);
  read_optional(j, "issuerRef", v.issuer_ref);
}

void to_json(json& j, const GatewayReference& v) {
  j = json{{"name", v.name}};
  write_optional(j, "namespace", v.ns);
  write_optional(j, "sectionName", v.section_name);
}
void from_json(const json& j, GatewayReference& v) {
  expect_object(j, "gateway");
  read_field(j, "name", v.name);
  read_optional(j, "namespace", v.ns);
  read_optional(j, "sectionName", v.section_name);
}

void to_json(json& j, const Exposure& v) {
  j = json{{"host", v.host}};
  if (v.kind) j["kind"] = to_string(*v.kind);
  write_optional(j, "ingressClassName", v.ingress_class_name);
  write_optional(j, "gateway", v.gateway);
  write_optional(j, "tls", v.tls);
}
void from_json(const json& j, Exposure& v) {
  expect_object(j, "exposure");
  read_field(j, "host", v.host);
  std::optional<std::string> kind;
  read_optional(j, "kind", kind);
  if (kind) {
    if (*kind == "Ingress") {
      v.kind = ExposureKind::ingress;
    } else if (*kind == "HTTPRoute") {
      v.kind = ExposureKind::http_route;
    } else {
      throw DecodeError("exposure.kind: unknown kind " + *kind);
    }
  }
  read_optional(j, "ingressClassName", v.ingress_class_name);
  read_optional(j, "gateway", v.gateway);
  read_optional(j, "tls", v.tls);
}

void to_json(json& j, const InferenceServiceSpec& v) {
  j = json{{"models", v.models}, {"inferenceConfig", v.inference_config}};
  write_optional(j, "environmentRef", v.environment_ref);
  write_optional(j, "image", v.image);
  if (v.target) j["target"] = to_string(*v.target);
  write_optional(j, "replicas", v.replicas);
  write_optional(j, "autoscaling", v.autoscaling);
  write_optional(j, "auth", v.auth);
  write_optional(j, "scoringTimeoutMs", v.scoring_timeout_ms);
  write_optional(j, "maxConcurrentRequestsPerReplica", v.max_concurrent_requests_per_replica);
  write_optional(j, "maxQueueWaitMs", v.max_queue_wait_ms);
  write_optional(j, "workers", v.workers);
  write_optional(j, "probes", v.probes);
  write_optional(j, "resources", v.resources);
  write_optional(j, "gpu", v.gpu);
  write_optional(j, "fpga", v.fpga);
  write_nonempty(j, "env", v.env);
  write_nonempty(j, "nodeSelector", v.node_selector);
  write_nonempty(j, "tolerations", v.tolerations);
  write_nonempty(j, "imagePullSecrets", v.image_pull_secrets);
  write_optional(j, "serviceAccountName", v.service_account_name);
  write_optional(j, "exposure", v.exposure);
  write_optional(j, "tls", v.tls);
}
void from_json(const json& j, InferenceServiceSpec& v) {
  expect_object(j, "spec");
  read_field(j, "models", v.models);
  read_optional(j, "environmentRef", v.environment_ref);
  read_optional(j, "image", v.image);
  read_field(j, "inferenceConfig", v.inference_config);
  std::optional<std::string> target;
  read_optional(j, "target", target);
  if (target) {
    v.target = parse_target(*target);
    if (!v.target) throw DecodeError("target: unknown target " + *target);
  }
  read_optional(j, "replicas", v.replicas);
  read_optional(j, "autoscaling", v.autoscaling);
  read_optional(j, "auth", v.auth);
  read_optional(j, "scoringTimeoutMs", v.scoring_timeout_ms);
  read_optional(j, "maxConcurrentRequestsPerReplica", v.max_concurrent_requests_per_replica);
  read_optional(j, "maxQueueWaitMs", v.max_queue_wait_ms);
  read_optional(j, "workers", v.workers);
  read_optional(j, "probes", v.probes);
  read_optional(j, "resources", v.resources);
  read_optional(j, "gpu", v.gpu);
  read_optional(j, "fpga", v.fpga);
  read_field(j, "env", v.env);
  read_field(j, "nodeSelector", v.node_selector);
  read_field(j, "tolerations", v.tolerations);
  read_field(j, "imagePullSecrets", v.image_pull_secrets);
  read_optional(j, "serviceAccountName", v.service_account_name);
  read_optional(j, "exposure", v.exposure);
  read_optional(j, "tls", v.tls);
}

void to_json(json& j, const InferenceServiceStatus& v) {
  j = json::object();
  write_optional(j, "observedGeneration", v.observed_generation);
  write_optional(j, "scoringUri", v.scoring_uri);
  write_optional(j, "swaggerUri", v.swagger_uri);
  write_optional(j, "image", v.image);
  write_optional(j, "replicas", v.replicas);
  write_optional(j, "keysSecretName", v.keys_secret_name);
  write_optional(j, "primaryKeyRotatedAt", v.primary_key_rotated_at);
  write_optional(j, "secondaryKeyRotatedAt", v.secondary_key_rotated_at);
  write_nonempty(j, "modelVersions", v.model_versions);
  if (!v.conditions.empty()) j["conditions"] = v.conditions;
}
void from_json(const json& j, InferenceServiceStatus& v) {
  expect_object(j, "status");
  read_optional(j, "observedGeneration", v.observed_generation);
  read_optional(j, "scoringUri", v.scoring_uri);
  read_optional(j, "swaggerUri", v.swagger_uri);
  read_optional(j, "image", v.image);
  read_optional(j, "replicas", v.replicas);
  read_optional(j, "keysSecretName", v.keys_secret_name);
  read_optional(j, "primaryKeyRotatedAt", v.primary_key_rotated_at);
  read_optional(j, "secondaryKeyRotatedAt", v.secondary_key_rotated_at);
  read_field(j, "modelVersions", v.model_versions);
  read_conditions(j, v.conditions);
}

void to_json(json& j, const InferenceService& v) {
  j = json{{"apiVersion", kApiVersion},
           {"kind", kInferenceServiceKind},
           {"metadata", v.metadata},
           {"spec", v.spec}};
  json status = v.status;
  if (!status.empty()) j["status"] = std::move(status);
}
void from_json(const json& j, InferenceService& v) {
  expect_object(j, "InferenceService");
  read_field(j, "metadata", v.metadata);
  read_field(j, "spec", v.spec);
  read_field(j, "status", v.status);
}

namespace {

template <typename T>
void default_to(std::optional<T>& field, T value) {
  if (!field) field = std::move(value);
}

void apply_defaults(Autoscaling& a) {
  default_to(a.min_replicas, 1);
  default_to(a.max_replicas, 10);
  default_to(a.target_utilization, 70);
  default_to(a.metric, std::string("cpu"));
  default_to(a.scale_down_stabilization_seconds, 300);
}

void apply_defaults(ProbeSettings& p) {
  default_to(p.initial_delay_seconds, 0);
  default_to(p.period_seconds, 10);
  default_to(p.timeout_seconds, 2);
  default_to(p.success_threshold, 1);
  default_to(p.failure_threshold, 3);
}

void check_range(const std::optional<std::int32_t>& value, std::int64_t min, std::int64_t max,
                 const std::string& path, FieldErrors& errors) {
  if (value && (*value < min || *value > max)) {
    errors.push_back(
        {path, "must be between " + std::to_string(min) + " and " + std::to_string(max)});
  }
}

void validate_probe(const ProbeSettings& p, const std::string& path, FieldErrors& errors) {
  check_range(p.initial_delay_seconds, 0, 3600, path + ".initialDelaySeconds", errors);
  check_range(p.period_seconds, 1, 3600, path + ".periodSeconds", errors);
  check_range(p.timeout_seconds, 1, 3600, path + ".timeoutSeconds", errors);
  check_range(p.success_threshold, 1, 100, path + ".successThreshold", errors);
  check_range(p.failure_threshold, 1, 100, path + ".failureThreshold", errors);
}

// GPU memory of a MIG profile: 1g.5gb -> 5 GB.
std::optional<long double> mig_profile_memory(const std::string& profile) {
  auto gigabytes = mig_profile_gigabytes(profile);
  if (!gigabytes) return std::nullopt;
  return static_cast<long double>(*gigabytes) * 1e9L;
}

void validate_tls(const TlsSettings& tls, const std::string& path, FieldErrors& errors) {
  if (tls.secret_name.has_value() == tls.issuer_ref.has_value()) {
    errors.push_back({path, "set exactly one of secretName and issuerRef"});
  }
  if (tls.secret_name && !is_dns_subdomain(*tls.secret_name)) {
    errors.push_back({path + ".secretName", "must be a Secret name (a DNS subdomain)"});
  }
  if (tls.issuer_ref) {
    if (!is_dns_subdomain(tls.issuer_ref->name)) {
      errors.push_back({path + ".issuerRef.name", "must be an issuer name (a DNS subdomain)"});
    }
    if (tls.issuer_ref->kind && *tls.issuer_ref->kind != "Issuer" &&
        *tls.issuer_ref->kind != "ClusterIssuer") {
      errors.push_back({path + ".issuerRef.kind", "must be Issuer or ClusterIssuer"});
    }
  }
}

void validate_exposure(const Exposure& e, FieldErrors& errors) {
  const auto kind = e.kind.value_or(ExposureKind::ingress);
  if (!is_dns_subdomain(e.host) || e.host.find('.') == std::string::npos) {
    errors.push_back({"spec.exposure.host",
                      "must be a fully qualified DNS name such as "
                      "scoring.example.com (no wildcard, no port)"});
  }
  if (kind == ExposureKind::http_route && !e.gateway) {
    errors.push_back({"spec.exposure.gateway", "kind HTTPRoute needs the Gateway to attach to"});
  }
  if (kind == ExposureKind::ingress && e.gateway) {
    errors.push_back({"spec.exposure.gateway", "applies only to kind HTTPRoute"});
  }
  if (kind == ExposureKind::http_route && e.ingress_class_name) {
    errors.push_back({"spec.exposure.ingressClassName", "applies only to kind Ingress"});
  }
  if (e.gateway && !is_dns_subdomain(e.gateway->name)) {
    errors.push_back({"spec.exposure.gateway.name", "must be a Gateway name (a DNS subdomain)"});
  }
  if (e.tls) validate_tls(*e.tls, "spec.exposure.tls", errors);
}

}  // namespace

void apply_defaults(InferenceService& service) {
  auto& spec = service.spec;
  default_to(spec.target, Target::cluster);
  apply_defaults(spec.inference_config);
  default_to(spec.scoring_timeout_ms, 60000);
  default_to(spec.max_concurrent_requests_per_replica, 1);
  default_to(spec.max_queue_wait_ms, 500);
  default_to(spec.workers, 1);
  if (spec.autoscaling) apply_defaults(*spec.autoscaling);
  if (spec.probes) {
    if (spec.probes->readiness) apply_defaults(*spec.probes->readiness);
    if (spec.probes->liveness) apply_defaults(*spec.probes->liveness);
  }
  if (spec.gpu) default_to(spec.gpu->count, 1);
  if (spec.fpga) default_to(spec.fpga->count, 1);
  for (auto& t : spec.tolerations) default_to(t.op, std::string("Equal"));
  if (spec.exposure) {
    default_to(spec.exposure->kind, ExposureKind::ingress);
    if (spec.exposure->tls && spec.exposure->tls->issuer_ref) {
      default_to(spec.exposure->tls->issuer_ref->kind, std::string("Issuer"));
    }
  }
  if (spec.tls && spec.tls->issuer_ref) {
    default_to(spec.tls->issuer_ref->kind, std::string("Issuer"));
  }
}

bool effective_auth_enabled(const InferenceServiceSpec& spec) {
  if (spec.auth && spec.auth->enabled) return *spec.auth->enabled;
  const auto target = spec.target.value_or(Target::cluster);
  return target == Target::cluster || target == Target::accelerated;
}

std::optional<Autoscaling> effective_autoscaling(const InferenceServiceSpec& spec) {
  if (spec.autoscaling) {
    Autoscaling a = *spec.autoscaling;
    apply_defaults(a);
    return a;
  }
  const auto target = spec.target.value_or(Target::cluster);
  if (spec.replicas || target == Target::dev || target == Target::edge) return std::nullopt;
  Autoscaling a;
  apply_defaults(a);
  return a;
}

std::int32_t effective_replicas(const InferenceServiceSpec& spec) {
  if (spec.replicas) return *spec.replicas;
  if (auto a = effective_autoscaling(spec)) return a->min_replicas.value_or(1);
  return 1;
}

FieldErrors validate(const InferenceService& service) {
  FieldErrors errors;
  validate_name(service.metadata, errors);
  const auto& spec = service.spec;
  const auto target = spec.target.value_or(Target::cluster);
  validate_model_refs(spec.models, "spec.models", errors);
  if (spec.environment_ref.has_value() == spec.image.has_value()) {
    errors.push_back({"spec", "set exactly one of environmentRef and image"});
  }
  if (spec.image && !is_image_reference(*spec.image)) {
    errors.push_back({"spec.image", "must be an image reference such as registry/repo:tag"});
  }
  validate_inference_config(spec.inference_config, "spec.inferenceConfig", errors);
  check_range(spec.replicas, 0, 1000, "spec.replicas", errors);
  if (spec.replicas && spec.autoscaling) {
    errors.push_back({"spec.replicas", "set replicas (a fixed count) or autoscaling, not both"});
  }
  if (target == Target::dev && (spec.replicas.value_or(0) > 1 || spec.autoscaling)) {
    errors.push_back(
        {"spec.target", "target dev runs a single replica: replicas at most 1 and no autoscaling"});
  }
  if (target == Target::accelerated && !spec.gpu && !spec.fpga) {
    errors.push_back({"spec.target", "target accelerated needs gpu or fpga"});
  }
  if (spec.gpu && spec.fpga) errors.push_back({"spec.fpga", "set gpu or fpga, not both"});
  if (spec.autoscaling) {
    Autoscaling a = *spec.autoscaling;
    apply_defaults(a);
    check_range(a.min_replicas, 1, 1000, "spec.autoscaling.minReplicas", errors);
    check_range(a.max_replicas, 1, 1000, "spec.autoscaling.maxReplicas", errors);
    check_range(a.target_utilization, 1, 100, "spec.autoscaling.targetUtilization", errors);
    check_range(a.scale_down_stabilization_seconds, 0, 3600,
                "spec.autoscaling.scaleDownStabilizationSeconds", errors);
    if (*a.min_replicas > *a.max_replicas) {
      errors.push_back({"spec.autoscaling.minReplicas",
                        "minReplicas must be less than or equal to maxReplicas"});
    }
    if (*a.metric != "cpu" && *a.metric != "memory") {
      errors.push_back({"spec.autoscaling.metric", "must be cpu or memory"});
    }
  }
  if (spec.auth && spec.auth->keys_secret_ref && spec.auth->enabled == false) {
    errors.push_back({"spec.auth.keysSecretRef", "keysSecretRef needs auth enabled"});
  }
  check_range(spec.scoring_timeout_ms, 1, 3600000, "spec.scoringTimeoutMs", errors);
  check_range(spec.max_concurrent_requests_per_replica, 1, 1000,
              "spec.maxConcurrentRequestsPerReplica", errors);
  check_range(spec.max_queue_wait_ms, 0, 600000, "spec.maxQueueWaitMs", errors);
  check_range(spec.workers, 1, 64, "spec.workers", errors);
  if (spec.probes) {
    if (spec.probes->readiness)
      validate_probe(*spec.probes->readiness, "spec.probes.readiness", errors);
    if (spec.probes->liveness)
      validate_probe(*spec.probes->liveness, "spec.probes.liveness", errors);
  }
  if (spec.resources) validate_resources(*spec.resources, "spec.resources", errors);
  if (spec.gpu) {
    check_range(spec.gpu->count, 1, 16, "spec.gpu.count", errors);
    std::optional<long double> memory;
    if (spec.gpu->memory) {
      memory = parse_quantity(*spec.gpu->memory);
      if (!memory || *memory <= 0) {
        errors.push_back({"spec.gpu.memory", "must be a positive quantity such as 16Gi"});
      }
    }
    if (spec.gpu->mig_profile) {
      auto mig = mig_profile_memory(*spec.gpu->mig_profile);
      if (!mig) {
        errors.push_back({"spec.gpu.migProfile", "must be a MIG profile such as 1g.5gb"});
      } else if (memory && *memory > *mig) {
        errors.push_back({"spec.gpu.memory",
                          "more than the MIG profile " + *spec.gpu->mig_profile + " provides"});
      }
    }
  }
  if (spec.fpga) {
    if (!is_extended_resource_name(spec.fpga->resource)) {
      errors.push_back(
          {"spec.fpga.resource", "must be an extended resource name such as amd.com/xilinx_u250"});
    }
    check_range(spec.fpga->count, 1, 8, "spec.fpga.count", errors);
  }
  validate_env(spec.env, "spec.env", errors);
  for (std::size_t i = 0; i < spec.tolerations.size(); ++i) {
    const auto& t = spec.tolerations[i];
    const auto path = "spec.tolerations[" + std::to_string(i) + "]";
    if (t.op && *t.op != "Exists" && *t.op != "Equal") {
      errors.push_back({path + ".operator", "must be Exists or Equal"});
    }
    if (t.op == "Exists" && t.value && !t.value->empty()) {
      errors.push_back({path + ".value", "a toleration with operator Exists takes no value"});
    }
    if (t.toleration_seconds && t.effect != "NoExecute") {
      errors.push_back({path + ".tolerationSeconds", "applies only to effect NoExecute"});
    }
  }
  if (spec.service_account_name) {
    if (!is_dns_subdomain(*spec.service_account_name)) {
      errors.push_back({"spec.serviceAccountName", "must be a DNS subdomain"});
    }
  }
  if (spec.exposure) validate_exposure(*spec.exposure, errors);
  if (spec.tls) validate_tls(*spec.tls, "spec.tls", errors);
  return errors;
}

}  // namespace kiln::api
