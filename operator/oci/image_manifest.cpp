#include "operator/oci/image_manifest.hpp"

#include <nlohmann/json.hpp>

#include "operator/oci/digest.hpp"

namespace kiln::oci {
namespace {

nlohmann::json descriptor_json(const Descriptor& d) {
  return {{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
}

Descriptor descriptor_from(const nlohmann::json& j, const char* what) {
  if (!j.is_object() || !j.contains("digest") || !j["digest"].is_string() || !j.contains("size") ||
      !j["size"].is_number_unsigned()) {
    throw InvalidManifest(std::string("manifest ") + what +
                          " is not a descriptor with digest and size");
  }
  Descriptor d;
  d.media_type = j.value("mediaType", "");
  d.digest = j["digest"].get<std::string>();
  d.size = j["size"].get<std::uint64_t>();
  if (!is_sha256_digest(d.digest)) {
    throw InvalidManifest(std::string("manifest ") + what + " digest '" + d.digest +
                          "' is not sha256");
  }
  return d;
}

}  // namespace

std::string single_layer_config(const std::string& layer_digest) {
  nlohmann::json config = {
      {"architecture", "amd64"},
      {"os", "linux"},
      {"config", nlohmann::json::object()},
      {"rootfs", {{"type", "layers"}, {"diff_ids", {layer_digest}}}},
  };
  return config.dump();
}

std::string image_manifest(const Descriptor& config, const std::vector<Descriptor>& layers,
                           const std::map<std::string, std::string>& annotations) {
  nlohmann::json m = {
      {"schemaVersion", 2},
      {"mediaType", kOciManifest},
      {"config", descriptor_json(config)},
      {"layers", nlohmann::json::array()},
  };
  for (const auto& l : layers) m["layers"].push_back(descriptor_json(l));
  if (!annotations.empty()) m["annotations"] = annotations;
  return m.dump();
}

ImageManifest parse_image_manifest(std::string_view body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) throw InvalidManifest("manifest is not a JSON object");
  ImageManifest m;
  m.media_type = doc.value("mediaType", std::string(kOciManifest));
  if (m.media_type == kOciIndex || m.media_type == kDockerManifestList ||
      doc.contains("manifests")) {
    throw InvalidManifest("manifest is an index of several images, not one image");
  }
  if (!doc.contains("config")) throw InvalidManifest("manifest has no config");
  m.config = descriptor_from(doc["config"], "config");
  if (!doc.contains("layers") || !doc["layers"].is_array()) {
    throw InvalidManifest("manifest has no layers array");
  }
  for (const auto& l : doc["layers"]) m.layers.push_back(descriptor_from(l, "layer"));
  if (doc.contains("annotations") && doc["annotations"].is_object()) {
    for (const auto& [k, v] : doc["annotations"].items()) {
      if (v.is_string()) m.annotations[k] = v.get<std::string>();
    }
  }
  return m;
}

}  // namespace kiln::oci
