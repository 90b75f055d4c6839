#include "tests/unit/inference_service/fixtures.hpp"

namespace kiln::testing::isvc {

using nlohmann::json;

api::InferenceService make_service(const json& spec_patch, const std::string& name) {
  json spec = {{"models", json::array({{{"name", "diabetes"}}})},
               {"environmentRef", {{"name", "sklearn-env"}}},
               {"inferenceConfig", {{"source", {{"inline", "def init():\n  pass\n"}}}}}};
  if (spec_patch.is_object()) spec.merge_patch(spec_patch);
  json object = {
      {"apiVersion", "kiln.dev/v1alpha1"},
      {"kind", "InferenceService"},
      {"metadata", {{"name", name}, {"namespace", "ns1"}, {"uid", "uid-123"}, {"generation", 1}}},
      {"spec", spec}};
  auto service = object.get<api::InferenceService>();
  api::apply_defaults(service);
  return service;
}

std::string digest_of(char c) {
  return "sha256:" + std::string(64, c);
}

api::Model make_model(const std::string& name, int latest) {
  json versions = json::array();
  for (int v = latest; v >= 1; --v) {
    const std::string d = digest_of(static_cast<char>('0' + v));
    versions.push_back({{"version", v},
                        {"digest", d},
                        {"image", "registry.kiln.test/models/ns1/" + name + "@" + d}});
  }
  const std::string d = digest_of(static_cast<char>('0' + latest));
  json object = {
      {"apiVersion", "kiln.dev/v1alpha1"},
      {"kind", "Model"},
      {"metadata", {{"name", name}, {"namespace", "ns1"}}},
      {"spec", {{"source", {{"uri", "https://models.example.com/" + name + ".pkl"}}}}},
      {"status",
       {{"version", latest},
        {"digest", d},
        {"image", "registry.kiln.test/models/ns1/" + name + "@" + d},
        {"versions", versions},
        {"conditions",
         json::array({{{"type", "Ready"}, {"status", "True"}, {"reason", "Registered"}}})}}}};
  return object.get<api::Model>();
}

api::Environment ready_environment() {
  json object = {{"apiVersion", "kiln.dev/v1alpha1"},
                 {"kind", "Environment"},
                 {"metadata", {{"name", "sklearn-env"}, {"namespace", "ns1"}}},
                 {"spec", {{"python", {{"pip", json::array({"scikit-learn"})}}}}},
                 {"status",
                  {{"phase", "Ready"},
                   {"image", kEnvImage},
                   {"conditions",
                    json::array({{{"type", "Ready"}, {"status", "True"}, {"reason", "Built"}}})}}}};
  return object.get<api::Environment>();
}

json observed_deployment(const json& desired, std::int64_t generation, bool rolled_out,
                         int replicas) {
  json d = desired;
  d["metadata"]["generation"] = generation;
  if (!d["spec"].contains("replicas")) d["spec"]["replicas"] = replicas;
  const int want = d["spec"]["replicas"].get<int>();
  if (rolled_out) {
    d["status"] = {{"observedGeneration", generation},
                   {"replicas", want},
                   {"updatedReplicas", want},
                   {"readyReplicas", want},
                   {"availableReplicas", want}};
  } else {
    d["status"] = {{"observedGeneration", generation},
                   {"replicas", want + 1},
                   {"updatedReplicas", 1},
                   {"readyReplicas", want},
                   {"availableReplicas", want}};
  }
  return d;
}

std::chrono::system_clock::time_point fixed_now() {
  return std::chrono::system_clock::time_point{std::chrono::seconds{1790000000}};
}

}  // namespace kiln::testing::isvc
