#include "reconcilers/environment/build_job.hpp"

#include "reconcilers/environment/content_tag.hpp"

namespace kiln::reconcilers::environment {
namespace {

constexpr const char* kContextMount = "/workspace";

nlohmann::json labels(const std::string& tag) {
  return {{"app.kubernetes.io/managed-by", "kiln"},
          {"app.kubernetes.io/component", "environment-build"},
          {kBuildTagLabel, tag}};
}

nlohmann::json default_resources() {
  return {{"requests", {{"cpu", "500m"}, {"memory", "1Gi"}}},
          {"limits", {{"cpu", "2"}, {"memory", "4Gi"}}}};
}

nlohmann::json resources_of(const std::optional<api::BuildSettings>& build) {
  if (!build || !build->resources) return default_resources();
  nlohmann::json out = nlohmann::json::object();
  if (!build->resources->requests.empty()) out["requests"] = build->resources->requests;
  if (!build->resources->limits.empty()) out["limits"] = build->resources->limits;
  return out.empty() ? default_resources() : out;
}

}  // namespace

std::string build_job_name(const std::string& repository, const std::string& tag) {
  return "kiln-build-" + sha256_hex(repository + ":" + tag).substr(0, 40);
}

void set_owned_by_job(nlohmann::json& config_map, const std::string& job_name,
                      const nlohmann::json& job_uid) {
  config_map["metadata"]["ownerReferences"] = {{{"apiVersion", "batch/v1"},
                                                {"kind", "Job"},
                                                {"name", job_name},
                                                {"uid", job_uid},
                                                {"controller", true},
                                                {"blockOwnerDeletion", true}}};
}

std::string context_too_large(const BuildContext& context) {
  std::size_t total = 0;
  for (const auto& [path, content] : context.files) total += path.size() + content.size();
  if (total <= kConfigMapLimitBytes) return "";
  return "the build context is " + std::to_string(total) + " bytes; a ConfigMap holds at most " +
         std::to_string(kConfigMapLimitBytes) +
         ": keep large files (models) in model images, not in the source directory";
}

nlohmann::json build_context_config_map(const std::string& repository, const std::string& tag,
                                        const BuildContext& context,
                                        const BuildJobOptions& options) {
  nlohmann::json data = nlohmann::json::object();
  std::size_t index = 0;
  for (const auto& [path, content] : context.files) data["f" + std::to_string(index++)] = content;
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"name", build_job_name(repository, tag)},
            {"namespace", options.namespace_},
            {"labels", labels(tag)}}},
          {"data", data}};
}

nlohmann::json build_job(const std::string& tag, const BuildContext& context,
                         const std::string& repository,
                         const std::optional<api::BuildSettings>& build,
                         const BuildJobOptions& options) {
  const std::string name = build_job_name(repository, tag);
  const std::string destination = repository + ":" + tag;
  nlohmann::json args = {
      std::string("--context=dir://") + kContextMount,
      std::string("--dockerfile=") + kContextMount + "/Dockerfile", "--destination=" + destination,
      // The pushed manifest's digest, read back from the pod's status.
      "--digest-file=/dev/termination-log", "--reproducible", "--verbosity=info"};
  if (options.layer_cache) {
    args.push_back("--cache=true");
    args.push_back("--cache-repo=" + repository + "/cache");
  }
  if (options.insecure_registry) {
    args.push_back("--insecure");
    args.push_back("--insecure-pull");
  }
  nlohmann::json items = nlohmann::json::array();
  std::size_t index = 0;
  for (const auto& [path, content] : context.files) {
    items.push_back({{"key", "f" + std::to_string(index++)}, {"path", path}});
  }
  std::int64_t timeout =
      build && build->timeout_seconds ? *build->timeout_seconds : options.default_timeout_seconds;
  nlohmann::json container = {
      {"name", "build"},
      {"image", options.builder_image},
      {"args", args},
      {"resources", resources_of(build)},
      {"terminationMessagePolicy", "FallbackToLogsOnError"},
      {"volumeMounts",
       {{{"name", "context"}, {"mountPath", kContextMount}, {"readOnly", true}},
        {{"name", "push-credentials"}, {"mountPath", "/kaniko/.docker"}, {"readOnly", true}}}}};
  nlohmann::json pod_spec = {
      {"restartPolicy", "Never"},
      {"automountServiceAccountToken", false},
      {"enableServiceLinks", false},
      {"containers", {container}},
      {"volumes",
       {{{"name", "context"}, {"configMap", {{"name", name}, {"items", items}}}},
        {{"name", "push-credentials"},
         {"secret",
          {{"secretName", options.push_secret},
           {"items", {{{"key", ".dockerconfigjson"}, {"path", "config.json"}}}}}}}}}};
  apply_job_placement(pod_spec, options.placement);
  return {{"apiVersion", "batch/v1"},
          {"kind", "Job"},
          {"metadata",
           {{"name", name},
            {"namespace", options.namespace_},
            {"labels", labels(tag)},
            {"annotations", {{kImageAnnotation, destination}}}}},
          {"spec",
           {{"backoffLimit", options.backoff_limit},
            {"activeDeadlineSeconds", timeout},
            {"ttlSecondsAfterFinished", options.ttl_seconds_after_finished},
            {"template", {{"metadata", {{"labels", labels(tag)}}}, {"spec", pod_spec}}}}}};
}

}  // namespace kiln::reconcilers::environment
