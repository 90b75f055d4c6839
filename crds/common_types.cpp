#include "crds/common_types.hpp"

#include <set>

#include "crds/json_fields.hpp"
#include "crds/quantity.hpp"
#include "crds/source_uri.hpp"
#include "crds/text_checks.hpp"

namespace kiln::api {

using nlohmann::json;

void to_json(json& j, const LocalObjectReference& v) {
  j = json{{"name", v.name}};
}
void from_json(const json& j, LocalObjectReference& v) {
  expect_object(j, "reference");
  read_field(j, "name", v.name);
}

void to_json(json& j, const KeyReference& v) {
  j = json{{"name", v.name}};
  write_optional(j, "key", v.key);
}
void from_json(const json& j, KeyReference& v) {
  expect_object(j, "reference");
  read_field(j, "name", v.name);
  read_optional(j, "key", v.key);
}

void to_json(json& j, const EnvVar& v) {
  j = json{{"name", v.name}, {"value", v.value}};
}
void from_json(const json& j, EnvVar& v) {
  expect_object(j, "env");
  read_field(j, "name", v.name);
  read_field(j, "value", v.value);
}

void to_json(json& j, const ModelReference& v) {
  j = json{{"name", v.name}};
  write_optional(j, "version", v.version);
}
void from_json(const json& j, ModelReference& v) {
  expect_object(j, "model");
  read_field(j, "name", v.name);
  read_optional(j, "version", v.version);
}

void to_json(json& j, const ScriptSource& v) {
  j = json::object();
  write_optional(j, "inline", v.inline_script);
  write_optional(j, "configMap", v.config_map);
  write_optional(j, "uri", v.uri);
  write_optional(j, "secretRef", v.secret_ref);
}
void from_json(const json& j, ScriptSource& v) {
  expect_object(j, "source");
  read_optional(j, "inline", v.inline_script);
  read_optional(j, "configMap", v.config_map);
  read_optional(j, "uri", v.uri);
  read_optional(j, "secretRef", v.secret_ref);
}

void to_json(json& j, const InferenceConfig& v) {
  j = json{{"source", v.source}};
  write_optional(j, "entryScript", v.entry_script);
}
void from_json(const json& j, InferenceConfig& v) {
  expect_object(j, "inferenceConfig");
  read_optional(j, "entryScript", v.entry_script);
  read_field(j, "source", v.source);
}

void to_json(json& j, const ResourceRequirements& v) {
  j = json::object();
  write_nonempty(j, "requests", v.requests);
  write_nonempty(j, "limits", v.limits);
}
void from_json(const json& j, ResourceRequirements& v) {
  expect_object(j, "resources");
  read_field(j, "requests", v.requests);
  read_field(j, "limits", v.limits);
}

void to_json(json& j, const ModelVersionStatus& v) {
  j = json{{"name", v.name}, {"version", v.version}};
  write_optional(j, "digest", v.digest);
}
void from_json(const json& j, ModelVersionStatus& v) {
  expect_object(j, "modelVersion");
  read_field(j, "name", v.name);
  read_field(j, "version", v.version);
  read_optional(j, "digest", v.digest);
}

void apply_defaults(InferenceConfig& config) {
  if (!config.entry_script) config.entry_script = "score.py";
}

bool is_image_reference(const std::string& image) {
  return image.size() <= 512 && is_image_reference_text(image);
}

void validate_relative_path(const std::string& value, const std::string& path,
                            FieldErrors& errors) {
  if (value.empty() || value.front() == '/') {
    errors.push_back({path, "must be a relative path inside the source directory"});
    return;
  }
  std::size_t start = 0;
  while (start <= value.size()) {
    auto end = value.find('/', start);
    if (end == std::string::npos) end = value.size();
    if (value.compare(start, end - start, "..") == 0) {
      errors.push_back({path, "must be a relative path inside the source directory"});
      return;
    }
    start = end + 1;
  }
}

void validate_env(const std::vector<EnvVar>& env, const std::string& path, FieldErrors& errors) {
  // Kiln sets these itself; a user value would silently break serving.
  static const std::set<std::string> kReserved = {"AZUREML_MODEL_DIR", "AZUREML_ENTRY_SCRIPT",
                                                  "SCORING_TIMEOUT_MS", "WORKER_COUNT"};
  std::set<std::string> seen;
  for (std::size_t i = 0; i < env.size(); ++i) {
    const auto item = path + "[" + std::to_string(i) + "].name";
    if (!is_c_identifier(env[i].name)) {
      errors.push_back({item, "must be a C identifier such as MY_SETTING"});
    } else if (kReserved.contains(env[i].name)) {
      errors.push_back({item, env[i].name + " is set by Kiln; use the matching spec field"});
    }
    if (!seen.insert(env[i].name).second) errors.push_back({item, "duplicate name " + env[i].name});
  }
}

void validate_model_refs(const std::vector<ModelReference>& models, const std::string& path,
                         FieldErrors& errors) {
  if (models.empty()) errors.push_back({path, "at least one model is required"});
  if (models.size() > 32) errors.push_back({path, "at most 32 models"});
  std::set<std::string> seen;
  for (std::size_t i = 0; i < models.size(); ++i) {
    const auto item = path + "[" + std::to_string(i) + "]";
    if (!is_dns_label(models[i].name)) {
      errors.push_back({item + ".name", "must be the name of a Model (a DNS label)"});
    }
    if (models[i].version && *models[i].version < 1) {
      errors.push_back({item + ".version", "must be 1 or more (unset follows the latest)"});
    }
    if (!seen.insert(models[i].name).second) {
      errors.push_back({item + ".name", "duplicate model " + models[i].name});
    }
  }
}

void validate_inference_config(const InferenceConfig& config, const std::string& path,
                               FieldErrors& errors) {
  if (config.entry_script) {
    validate_relative_path(*config.entry_script, path + ".entryScript", errors);
    if (!config.entry_script->ends_with(".py")) {
      errors.push_back({path + ".entryScript", "must be a .py file"});
    }
  }
  const auto& s = config.source;
  const int count =
      int(s.inline_script.has_value()) + int(s.config_map.has_value()) + int(s.uri.has_value());
  if (count != 1) {
    errors.push_back({path + ".source", "set exactly one of inline, configMap and uri"});
  }
  if (s.secret_ref && !s.uri) {
    errors.push_back({path + ".source.secretRef", "secretRef applies only to a uri source"});
  }
  if (s.uri) {
    auto parsed = parse_source_uri(*s.uri);
    if (!parsed.uri) errors.push_back({path + ".source.uri", parsed.error});
  }
  if (s.config_map && s.config_map->name.empty()) {
    errors.push_back({path + ".source.configMap.name", "required"});
  }
}

void validate_resources(const ResourceRequirements& resources, const std::string& path,
                        FieldErrors& errors) {
  auto quantity_of = [](const json& v) -> std::optional<long double> {
    if (v.is_number()) return v.get<long double>();
    if (v.is_string()) return parse_quantity(v.get<std::string>());
    return std::nullopt;
  };
  for (const auto* part : {&resources.requests, &resources.limits}) {
    const std::string where = path + (part == &resources.requests ? ".requests" : ".limits");
    for (const auto& [name, value] : *part) {
      auto q = quantity_of(value);
      if (!q) {
        errors.push_back({where + "." + name, "must be a quantity such as 500m or 1Gi"});
      } else if (*q < 0) {
        errors.push_back({where + "." + name, "may not be negative"});
      }
    }
  }
  for (const auto& [name, limit] : resources.limits) {
    auto it = resources.requests.find(name);
    if (it == resources.requests.end()) continue;
    auto r = quantity_of(it->second), l = quantity_of(limit);
    if (r && l && *r > *l) {
      errors.push_back({path + ".requests." + name, "must be less than or equal to its limit"});
    }
  }
}

std::string meta_name(const json& metadata) {
  return metadata.value("name", std::string());
}
std::string meta_namespace(const json& metadata) {
  return metadata.value("namespace", std::string());
}
std::int64_t meta_generation(const json& metadata) {
  return metadata.value("generation", std::int64_t{0});
}

void validate_name(const json& metadata, FieldErrors& errors) {
  const auto name = meta_name(metadata);
  if (name.empty() && !metadata.contains("generateName")) {
    errors.push_back({"metadata.name", "required"});
  } else if (!name.empty() && !is_dns_label(name)) {
    errors.push_back({"metadata.name", "must be a DNS label of at most 63 characters"});
  }
}

}  // namespace kiln::api
