#include "reconcilers/inference_service/script_source.hpp"

#include <cstdint>
#include <cstdio>

#include "reconcilers/inference_service/names.hpp"

namespace kiln::reconcilers::inference_service {

using nlohmann::json;

std::string content_hash(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string config_map_content_hash(const json& config_map) {
  return content_hash(config_map.value("data", json::object()).dump() +
                      config_map.value("binaryData", json::object()).dump());
}

std::variant<ScriptPlan, Problem> plan_script(
    const api::InferenceService& service, const json& owner,
    const std::optional<std::string>& user_config_map_hash) {
  const auto& config = service.spec.inference_config;
  const auto& source = config.source;
  const std::string name = api::meta_name(service.metadata);
  const std::string ns = api::meta_namespace(service.metadata);
  const std::string entry = config.entry_script.value_or("score.py");
  ScriptPlan plan;
  if (source.inline_script) {
    const std::string cm = script_config_map_name(name);
    plan.config_map = {{"apiVersion", "v1"},
                       {"kind", "ConfigMap"},
                       {"metadata", child_metadata(owner, cm)},
                       {"data", {{"script", *source.inline_script}}}};
    plan.volume = {
        {"name", "source"},
        {"configMap",
         {{"name", cm}, {"items", json::array({{{"key", "script"}, {"path", entry}}})}}}};
    plan.content_hash = content_hash(entry + '\0' + *source.inline_script);
    return plan;
  }
  if (source.config_map) {
    if (!user_config_map_hash) {
      return Problem{"ScriptConfigMapNotFound",
                     "ConfigMap " + ns + "/" + source.config_map->name +
                         " (spec.inferenceConfig.source.configMap) does not exist; create it with "
                         "the entry script " +
                         entry + " (kubectl create configmap " + source.config_map->name +
                         " --from-file=" + entry + ")"};
    }
    plan.volume = {{"name", "source"}, {"configMap", {{"name", source.config_map->name}}}};
    plan.content_hash = *user_config_map_hash;
    return plan;
  }
  return Problem{"ScriptSourceUnsupported",
                 "spec.inferenceConfig.source.uri is not supported by this Kiln version yet; put "
                 "the source directory in a ConfigMap (source.configMap) or the script inline"};
}

}  // namespace kiln::reconcilers::inference_service
