#include "reconcilers/placement/job_placement.hpp"

#include <stdexcept>

namespace kiln::reconcilers {

void apply_job_placement(nlohmann::json& pod_spec, const JobPlacement& placement) {
  for (const auto& [key, value] : placement.node_selector) pod_spec["nodeSelector"][key] = value;
  for (const auto& toleration : placement.tolerations)
    pod_spec["tolerations"].push_back(toleration);
}

namespace {

void require_key(const std::string& key, const std::string& text) {
  if (key.empty()) throw std::invalid_argument("\"" + text + "\" has no key");
  if (key.find_first_of(" \t=:") != std::string::npos) {
    throw std::invalid_argument("\"" + text + "\": bad key \"" + key + "\"");
  }
}

}  // namespace

std::pair<std::string, std::string> parse_node_selector_entry(const std::string& text) {
  const auto equals = text.find('=');
  if (equals == std::string::npos) {
    throw std::invalid_argument("\"" + text + "\" is not KEY=VALUE");
  }
  auto key = text.substr(0, equals);
  require_key(key, text);
  return {key, text.substr(equals + 1)};
}

nlohmann::json parse_toleration(const std::string& text) {
  std::string rest = text, effect;
  if (const auto colon = text.rfind(':'); colon != std::string::npos) {
    effect = text.substr(colon + 1);
    rest = text.substr(0, colon);
    if (effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute") {
      throw std::invalid_argument("\"" + text + "\": effect \"" + effect +
                                  "\" is not NoSchedule, PreferNoSchedule or NoExecute");
    }
  }
  nlohmann::json toleration = nlohmann::json::object();
  if (const auto equals = rest.find('='); equals != std::string::npos) {
    toleration["key"] = rest.substr(0, equals);
    toleration["operator"] = "Equal";
    toleration["value"] = rest.substr(equals + 1);
  } else {
    toleration["key"] = rest;
    toleration["operator"] = "Exists";
  }
  require_key(toleration["key"].get<std::string>(), text);
  if (!effect.empty()) toleration["effect"] = effect;
  return toleration;
}

}  // namespace kiln::reconcilers
