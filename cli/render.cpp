#include "cli/render.hpp"

#include <map>
#include <optional>
#include <utility>

#include "cli/placeholders.hpp"
#include "crds/environment.hpp"
#include "crds/inference_service.hpp"
#include "crds/model.hpp"
#include "reconcilers/environment/base_image_pin.hpp"
#include "reconcilers/environment/build_plan.hpp"
#include "reconcilers/inference_service/desired_state.hpp"
#include "reconcilers/inference_service/script_source.hpp"

namespace kiln::cli {
namespace {

using nlohmann::json;
namespace env = reconcilers::environment;
namespace isvc = reconcilers::inference_service;

template <typename T>
struct Input {
  std::string origin;
  T object;
};

using Key = std::pair<std::string, std::string>;  // namespace, name

std::string who(const std::string& kind, const json& metadata) {
  return kind + " " + api::meta_namespace(metadata) + "/" + api::meta_name(metadata);
}

template <typename T>
T decode(const Document& doc, json object, const std::string& kind) {
  T typed;
  try {
    typed = object.get<T>();
  } catch (const std::exception& e) {
    throw InputError(doc.origin + ": " + kind + " " + object["metadata"].value("name", "") + ": " +
                     e.what());
  }
  api::apply_defaults(typed);
  if (auto errors = api::validate(typed); !errors.empty()) {
    throw InputError(doc.origin + ": " + who(kind, typed.metadata) + ": " + api::to_string(errors));
  }
  return typed;
}

// The model image repository the Model controller pushes to.
std::string model_repository(const OperatorSettings& s, const json& metadata) {
  const std::string registry = s.registry.empty() ? placeholder("registry") : s.registry;
  return registry + "/models/" + api::meta_namespace(metadata) + "/" + api::meta_name(metadata);
}

// A Model given without a registered version: the version registration
// will give it (1, or the one the service pins) with a placeholder digest.
api::Model assume_registered(api::Model model, std::int64_t version, const OperatorSettings& s) {
  const std::string digest = "sha256:" + placeholder("digest of " + who("Model", model.metadata) +
                                                     " v" + std::to_string(version));
  model.status.version = version;
  model.status.digest = digest;
  model.status.image = model_repository(s, model.metadata) + "@" + digest;
  api::ModelVersion registered;
  registered.version = version;
  registered.digest = digest;
  registered.image = model.status.image;
  model.status.versions = {registered};
  return model;
}

struct RenderedEnvironment {
  std::vector<json> build_objects;
  api::Environment for_services;  // with the status the services read
};

RenderedEnvironment render_environment(const Input<api::Environment>& in,
                                       const OperatorSettings& s) {
  RenderedEnvironment out;
  out.for_services = in.object;
  const auto& spec = in.object.spec;
  const std::string registry = s.registry.empty() ? placeholder("registry") : s.registry;
  std::optional<std::string> pinned;
  std::string base_digest;
  if (spec.base_image) {
    base_digest = "sha256:" + placeholder("digest of " + *spec.base_image);
    pinned = env::BaseImagePin{*spec.base_image, base_digest, 0, ""}.pinned_reference();
  }
  auto plan =
      env::plan_build(spec, s.render, registry + "/" + s.repository_path, pinned, base_digest);
  if (!plan.ok()) {
    throw InputError(in.origin + ": " + who("Environment", in.object.metadata) + ": " + plan.error);
  }
  if (spec.base_image) {  // the tag hashes the base digest: unknown until the operator resolves it
    plan.tag = placeholder("content tag, from the digest of " + *spec.base_image);
    plan.job_name = placeholder("build Job name, from the content tag");
  }
  const bool built = in.object.status.image && !in.object.status.image->empty();
  if (!built) {
    auto& status = out.for_services.status;
    status.phase = api::BuildPhase::ready;
    status.tag = plan.tag;
    status.image = plan.repository + "@sha256:" +
                   placeholder(spec.base_image ? "digest of the built image"
                                               : "digest of " + plan.repository + ":" + plan.tag +
                                                     " once built");
    status.conditions = json::array({{{"type", "Ready"}, {"status", "True"}}});
  }
  if (s.builds && !built) {
    auto job = env::build_job(plan.tag, plan.context, plan.repository, spec.build, s.job);
    if (spec.base_image) job["metadata"]["name"] = plan.job_name;
    auto config_map = env::build_context_config_map(plan.repository, plan.tag, plan.context, s.job);
    env::set_owned_by_job(config_map, job["metadata"]["name"], placeholder("uid of the build Job"));
    out.build_objects.push_back(std::move(job));
    out.build_objects.push_back(std::move(config_map));
  }
  return out;
}

// The keys Secret holds generated keys: shown as placeholders.
void mask_keys(json& child, const isvc::KeysPlan& keys) {
  if (child.value("kind", "") != "Secret" || keys.secret_name.empty() ||
      child["metadata"].value("name", "") != keys.secret_name || !child.contains("data")) {
    return;
  }
  for (auto& [key, value] : child["data"].items()) {
    value = placeholder("generated " + key + ", base64");
  }
}

std::string escape_pointer(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

void collect_placeholders(const json& value, const std::string& pointer,
                          std::vector<std::string>& out) {
  if (value.is_string()) {
    if (has_placeholder(value.get_ref<const std::string&>())) out.push_back(pointer);
  } else if (value.is_object()) {
    for (const auto& [k, v] : value.items()) {
      collect_placeholders(v, pointer + "/" + escape_pointer(k), out);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      collect_placeholders(value[i], pointer + "/" + std::to_string(i), out);
    }
  }
}

RenderOutput render(const std::vector<Document>& documents, const OperatorSettings& s) {
  RenderOutput out;
  std::map<Key, Input<api::Model>> models;
  std::vector<Input<api::Environment>> environments;
  std::map<Key, json> config_maps;
  std::vector<Input<api::InferenceService>> services;

  for (const auto& doc : documents) {
    json object = doc.object;
    const std::string kind = object.value("kind", "");
    const std::string api_version = object.value("apiVersion", "");
    if (!object.contains("metadata") || !object["metadata"].is_object() ||
        !object["metadata"].contains("name")) {
      throw InputError(doc.origin + ": metadata.name: required");
    }
    if (object["metadata"].value("namespace", "").empty()) {
      object["metadata"]["namespace"] = s.default_namespace;
    }
    const Key key{object["metadata"]["namespace"], object["metadata"]["name"]};
    if (kind == "ConfigMap" && api_version == "v1") {
      config_maps[key] = object;
      continue;
    }
    if (api_version != api::kApiVersion) {
      out.warnings.push_back(doc.origin + ": " + api_version + " " + kind +
                             " is not a Kiln resource; skipped");
      continue;
    }
    if (kind == api::kModelKind) {
      models[key] = {doc.origin, decode<api::Model>(doc, object, kind)};
    } else if (kind == api::kEnvironmentKind) {
      environments.push_back({doc.origin, decode<api::Environment>(doc, object, kind)});
    } else if (kind == api::kInferenceServiceKind) {
      services.push_back({doc.origin, decode<api::InferenceService>(doc, object, kind)});
    } else {
      out.warnings.push_back(doc.origin + ": " + kind + " " + key.second +
                             ": kiln render does not render this kind; skipped");
    }
  }

  std::map<Key, api::Environment> built;
  for (const auto& e : environments) {
    auto rendered = render_environment(e, s);
    for (auto& o : rendered.build_objects) out.objects.push_back(std::move(o));
    built[{api::meta_namespace(e.object.metadata), api::meta_name(e.object.metadata)}] =
        std::move(rendered.for_services);
  }

  for (auto& in : services) {
    auto& service = in.object;
    const std::string ns = api::meta_namespace(service.metadata);
    const std::string name = api::meta_name(service.metadata);
    if (!service.metadata.contains("uid")) {
      service.metadata["uid"] = placeholder("uid of InferenceService " + ns + "/" + name);
    }
    isvc::ModelsByName by_name;
    for (const auto& ref : service.spec.models) {
      auto it = models.find({ns, ref.name});
      api::Model model;
      if (it == models.end()) {
        model.metadata = {{"name", ref.name}, {"namespace", ns}};
        out.warnings.push_back(in.origin + ": Model " + ns + "/" + ref.name +
                               " is not among the files; assumed registered");
      } else {
        model = it->second.object;
      }
      const bool has = [&] {
        if (!model.status.digest) return false;
        if (!ref.version || ref.version == model.status.version) return true;
        for (const auto& v : model.status.versions) {
          if (v.version == *ref.version) return true;
        }
        return false;
      }();
      if (!has) model = assume_registered(std::move(model), ref.version.value_or(1), s);
      by_name.emplace(ref.name, std::move(model));
    }
    std::optional<api::Environment> environment;
    if (service.spec.environment_ref && !service.spec.image) {
      auto it = built.find({ns, service.spec.environment_ref->name});
      if (it != built.end()) {
        environment = it->second;
      } else {
        api::Environment assumed;
        assumed.metadata = {{"name", service.spec.environment_ref->name}, {"namespace", ns}};
        assumed.status.phase = api::BuildPhase::ready;
        assumed.status.image =
            placeholder("image of Environment " + ns + "/" + service.spec.environment_ref->name) +
            "@sha256:" + placeholder("digest");
        environment = assumed;
        out.warnings.push_back(in.origin + ": Environment " + ns + "/" +
                               service.spec.environment_ref->name +
                               " is not among the files; its image is a placeholder");
      }
    }
    std::optional<std::string> script_hash;
    if (const auto& cm = service.spec.inference_config.source.config_map) {
      auto it = config_maps.find({ns, cm->name});
      if (it != config_maps.end()) {
        script_hash = isvc::config_map_content_hash(it->second);
      } else {
        script_hash = placeholder("content hash of ConfigMap " + ns + "/" + cm->name);
        out.warnings.push_back(in.origin + ": ConfigMap " + ns + "/" + cm->name +
                               " is not among the files; its content hash is a placeholder");
      }
    }
    const json no_secret = nullptr;
    const isvc::FreshKeys fresh{"generated-primary-key", "generated-secondary-key"};
    const auto desired = isvc::desired_state(
        {service, by_name, environment, script_hash, no_secret, fresh, s.serving});
    for (const auto* problem :
         {&desired.models_problem, &desired.image_problem, &desired.script_problem}) {
      if (*problem) {
        throw InputError(in.origin + ": InferenceService " + ns + "/" + name + ": " +
                         (*problem)->reason + ": " + (*problem)->message);
      }
    }
    for (auto child : desired.apply) {
      mask_keys(child, desired.keys);
      out.objects.push_back(std::move(child));
    }
  }
  return out;
}

}  // namespace kiln::cli
