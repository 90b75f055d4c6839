#include "reconcilers/inference_service/pod_template.hpp"

#include <algorithm>

#include "reconcilers/inference_service/exposure.hpp"
#include "reconcilers/inference_service/names.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

using nlohmann::json;

std::string version_dir(const ResolvedModel& m) {
  return std::string(kModelsRoot) + "/" + m.name + "/" + std::to_string(m.version);
}

json env_var(const std::string& name, const std::string& value) {
  return {{"name", name}, {"value", value}};
}

// kiln-serve's port: plain HTTP, or HTTPS only with in-cluster TLS.
json http_get(const api::InferenceServiceSpec& spec) {
  if (spec.tls) return {{"path", "/"}, {"port", "https"}, {"scheme", "HTTPS"}};
  return {{"path", "/"}, {"port", "http"}};
}

json probe(const api::InferenceServiceSpec& spec, const std::optional<api::ProbeSettings>& given) {
  api::ProbeSettings s = given.value_or(api::ProbeSettings{});
  return {{"httpGet", http_get(spec)},
          {"initialDelaySeconds", s.initial_delay_seconds.value_or(0)},
          {"periodSeconds", s.period_seconds.value_or(10)},
          {"timeoutSeconds", s.timeout_seconds.value_or(2)},
          {"successThreshold", s.success_threshold.value_or(1)},
          {"failureThreshold", s.failure_threshold.value_or(3)}};
}

int per_worker_limit(const api::InferenceServiceSpec& spec) {
  const int workers = std::max(1, spec.workers.value_or(1));
  const int total = std::max(1, spec.max_concurrent_requests_per_replica.value_or(1));
  return (total + workers - 1) / workers;
}

json environment(const PodInputs& in) {
  const auto& spec = in.service.spec;
  const std::string entry = spec.inference_config.entry_script.value_or("score.py");
  json env = json::array({
      env_var("AML_APP_ROOT", kAppRoot),
      env_var("AZUREML_SOURCE_DIRECTORY", kSourceDir),
      env_var("AZUREML_ENTRY_SCRIPT", std::string(kSourceDir) + "/" + entry),
      env_var("AZUREML_MODEL_DIR", model_dir(in.models)),
      env_var("SERVER_PORT", std::to_string(kServingPort)),
      env_var("WORKER_COUNT", std::to_string(spec.workers.value_or(1))),
      env_var("SCORING_TIMEOUT_MS", std::to_string(spec.scoring_timeout_ms.value_or(60000))),
      // kiln-serve's limit is per worker: the replica's share of each.
      env_var("KILN_MAX_CONCURRENT_REQUESTS", std::to_string(per_worker_limit(spec))),
      env_var("KILN_DRAIN_TIMEOUT_MS", std::to_string(kDrainSeconds * 1000)),
      env_var("SERVICE_NAME", api::meta_name(in.service.metadata)),
  });
  if (!in.keys_secret_name.empty()) env.push_back(env_var("KILN_AUTH_KEYS_FILE", kKeysDir));
  if (spec.tls) {
    env.push_back(env_var("KILN_TLS_CERT_FILE", std::string(kTlsDir) + "/tls.crt"));
    env.push_back(env_var("KILN_TLS_KEY_FILE", std::string(kTlsDir) + "/tls.key"));
  }
  for (const auto& e : spec.env) env.push_back(env_var(e.name, e.value));
  return env;
}

// Requests and limits: the spec's, plus the accelerator, plus a CPU/memory
// request when autoscaling needs one to compute utilisation.
json resources(const api::InferenceServiceSpec& spec) {
  json requests = json::object();
  json limits = json::object();
  if (spec.resources) {
    for (const auto& [k, v] : spec.resources->requests) requests[k] = v;
    for (const auto& [k, v] : spec.resources->limits) limits[k] = v;
  }
  if (auto autoscaling = api::effective_autoscaling(spec)) {
    const std::string metric = autoscaling->metric.value_or("cpu");
    if (!requests.contains(metric)) requests[metric] = metric == "cpu" ? "250m" : "512Mi";
  }
  if (spec.gpu) {
    const int count = spec.gpu->count.value_or(1);
    const std::string resource =
        spec.gpu->mig_profile ? "nvidia.com/mig-" + *spec.gpu->mig_profile : "nvidia.com/gpu";
    limits[resource] = std::to_string(count);
    requests[resource] = std::to_string(count);
  }
  if (spec.fpga) {
    const int count = spec.fpga->count.value_or(1);
    limits[spec.fpga->resource] = std::to_string(count);
    requests[spec.fpga->resource] = std::to_string(count);
  }
  json out = json::object();
  if (!requests.empty()) out["requests"] = requests;
  if (!limits.empty()) out["limits"] = limits;
  return out;
}

json tolerations(const api::InferenceServiceSpec& spec, api::Target target) {
  json out = json::array();
  if (target == api::Target::edge) {
    out.push_back({{"key", kEdgeNodeLabel}, {"operator", "Exists"}});
  }
  if (spec.gpu) out.push_back({{"key", "nvidia.com/gpu"}, {"operator", "Exists"}});
  if (spec.fpga) out.push_back({{"key", spec.fpga->resource}, {"operator", "Exists"}});
  for (const auto& t : spec.tolerations) {
    json j = json::object();
    if (t.key) j["key"] = *t.key;
    j["operator"] = t.op.value_or("Equal");
    if (t.value) j["value"] = *t.value;
    if (t.effect) j["effect"] = *t.effect;
    if (t.toleration_seconds) j["tolerationSeconds"] = *t.toleration_seconds;
    out.push_back(j);
  }
  return out;
}

json node_selector(const api::InferenceServiceSpec& spec, api::Target target) {
  json out = json::object();
  if (target == api::Target::edge) out[kEdgeNodeLabel] = "true";
  // With MIG, GPU Feature Discovery labels the product with a -MIG-<profile>
  // suffix: the MIG resource and the kiln.dev/gpu-product annotation place it.
  if (spec.gpu && spec.gpu->product && !spec.gpu->mig_profile) {
    out["nvidia.com/gpu.product"] = *spec.gpu->product;
  }
  for (const auto& [k, v] : spec.node_selector) out[k] = v;
  return out;
}

json pod_annotations(const PodInputs& in) {
  const auto& spec = in.service.spec;
  json out = {{"kiln.dev/script-hash", in.script.content_hash}};
  if (spec.gpu) {
    if (spec.gpu->product) out["kiln.dev/gpu-product"] = *spec.gpu->product;
    if (spec.gpu->memory) out["kiln.dev/gpu-memory-min"] = *spec.gpu->memory;
    if (spec.gpu->mig_profile) out["kiln.dev/gpu-mig-profile"] = *spec.gpu->mig_profile;
  }
  if (spec.fpga && spec.fpga->bitstream) out["kiln.dev/fpga-bitstream"] = *spec.fpga->bitstream;
  return out;
}

std::vector<std::string> fetch_flags(const ServingOptions& options) {
  if (options.registry_plain_http) return {"--registry-plain-http"};
  return {};
}

}  // namespace

std::string model_dir(const std::vector<ResolvedModel>& models) {
  if (models.size() == 1) return version_dir(models.front());
  return kModelsRoot;
}

json pod_template(const PodInputs& in) {
  const auto& spec = in.service.spec;
  const auto target = spec.target.value_or(api::Target::cluster);
  const std::string name = api::meta_name(in.service.metadata);

  json volumes = json::array({in.script.volume});
  json mounts = json::array({{{"name", "source"}, {"mountPath", kSourceDir}, {"readOnly", true}}});
  json init_containers = json::array();
  if (in.options.model_delivery == ModelDelivery::image_volume) {
    for (std::size_t i = 0; i < in.models.size(); ++i) {
      const auto& m = in.models[i];
      const std::string vol = "model-" + std::to_string(i);
      volumes.push_back(
          {{"name", vol}, {"image", {{"reference", m.image}, {"pullPolicy", "IfNotPresent"}}}});
      mounts.push_back({{"name", vol}, {"mountPath", version_dir(m)}, {"readOnly", true}});
    }
  } else {
    volumes.push_back({{"name", "models"}, {"emptyDir", json::object()}});
    mounts.push_back({{"name", "models"}, {"mountPath", kModelsRoot}, {"readOnly", true}});
    for (std::size_t i = 0; i < in.models.size(); ++i) {
      const auto& m = in.models[i];
      json args = {"pull", "--image", m.image, "--dest", version_dir(m)};
      for (const auto& f : fetch_flags(in.options)) args.push_back(f);
      init_containers.push_back(
          {{"name", "fetch-model-" + std::to_string(i)},
           {"image", in.options.fetch_image},
           {"args", args},
           {"volumeMounts", json::array({{{"name", "models"}, {"mountPath", kModelsRoot}}})}});
    }
  }
  if (!in.keys_secret_name.empty()) {
    volumes.push_back({{"name", "keys"}, {"secret", {{"secretName", in.keys_secret_name}}}});
    mounts.push_back({{"name", "keys"}, {"mountPath", kKeysDir}, {"readOnly", true}});
  }
  if (spec.tls) {
    // A directory mount (no subPath): the kubelet swaps in a renewed
    // certificate and kiln-serve re-reads it on change.
    volumes.push_back(
        {{"name", "tls"}, {"secret", {{"secretName", serving_tls_secret(in.service)}}}});
    mounts.push_back({{"name", "tls"}, {"mountPath", kTlsDir}, {"readOnly", true}});
  }

  json container = {
      {"name", kServingContainer},
      {"image", in.image},
      {"workingDir", kAppRoot},
      {"ports", json::array({{{"name", spec.tls ? "https" : "http"},
                              {"containerPort", kServingPort},
                              {"protocol", "TCP"}}})},
      {"env", environment(in)},
      {"volumeMounts", mounts},
      // A slow init() gets up to 10 minutes before liveness applies.
      {"startupProbe",
       {{"httpGet", http_get(spec)},
        {"periodSeconds", 2},
        {"timeoutSeconds", 2},
        {"failureThreshold", 300}}},
      {"readinessProbe", probe(spec, spec.probes ? spec.probes->readiness : std::nullopt)},
      {"livenessProbe", probe(spec, spec.probes ? spec.probes->liveness : std::nullopt)},
      // Endpoints drop the pod before kiln-serve stops accepting.
      {"lifecycle", {{"preStop", {{"sleep", {{"seconds", kPreStopSleepSeconds}}}}}}},
  };
  json res = resources(spec);
  if (!res.empty()) container["resources"] = res;

  json pod_spec = {
      {"containers", json::array({container})},
      {"volumes", volumes},
      {"terminationGracePeriodSeconds", kPreStopSleepSeconds + kDrainSeconds + 5},
      {"enableServiceLinks", false},
  };
  if (!init_containers.empty()) pod_spec["initContainers"] = init_containers;
  json selector = node_selector(spec, target);
  if (!selector.empty()) pod_spec["nodeSelector"] = selector;
  json tol = tolerations(spec, target);
  if (!tol.empty()) pod_spec["tolerations"] = tol;
  if (target != api::Target::edge) {
    pod_spec["topologySpreadConstraints"] =
        json::array({{{"maxSkew", 1},
                      {"topologyKey", "kubernetes.io/hostname"},
                      {"whenUnsatisfiable", "ScheduleAnyway"},
                      {"labelSelector", {{"matchLabels", selector_labels(name)}}}}});
  }
  if ((spec.gpu || spec.fpga) && in.options.scheduler_extender) {
    pod_spec["schedulerName"] = in.options.scheduler_name;
  }
  if (spec.service_account_name) pod_spec["serviceAccountName"] = *spec.service_account_name;
  if (!spec.image_pull_secrets.empty()) {
    json secrets = json::array();
    for (const auto& s : spec.image_pull_secrets) secrets.push_back({{"name", s.name}});
    pod_spec["imagePullSecrets"] = secrets;
  }
  return {{"metadata", {{"labels", child_labels(name)}, {"annotations", pod_annotations(in)}}},
          {"spec", pod_spec}};
}

}  // namespace kiln::reconcilers::inference_service
