// The C++ apply_defaults() agrees with the CRDs' `default`s: for each kind, a
// skeleton holding every object that can carry a default is defaulted both
// ways (by walking the CRD schema, as the API server does, and by the C++
// types) and the results must agree field by field.
#include <gtest/gtest.h>

#include "crds/environment.hpp"
#include "crds/inference_service.hpp"
#include "crds/model.hpp"
#include "crds/model_package.hpp"
#include "crds/yaml_to_json.hpp"

namespace {

using nlohmann::json;
using namespace kiln::api;

json crd_schema(const std::string& file) {
  auto docs = load_yaml_file(std::string(KILN_CRD_DIR) + "/" + file);
  return docs.at(0)["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
}

bool carries_default(const json& schema) {
  if (schema.contains("default")) return true;
  if (schema.contains("properties")) {
    for (const auto& [_, sub] : schema["properties"].items()) {
      if (carries_default(sub)) return true;
    }
  }
  if (schema.contains("items")) return carries_default(schema["items"]);
  return false;
}

// Every object (and one item of every array of objects) that can carry a default.
json skeleton(const json& schema) {
  json out = json::object();
  const json properties = schema.value("properties", json::object());
  for (const auto& [name, sub] : properties.items()) {
    if (name == "status" || name == "metadata") continue;
    if (sub.value("type", "") == "object" && carries_default(sub)) {
      out[name] = skeleton(sub);
    } else if (sub.value("type", "") == "array" && sub.contains("items") &&
               carries_default(sub["items"])) {
      out[name] = json::array({skeleton(sub["items"])});
    }
  }
  return out;
}

// Structural defaulting, as the API server applies it.
void apply_schema_defaults(json& value, const json& schema) {
  if (value.is_object()) {
    const json properties = schema.value("properties", json::object());
    for (const auto& [name, sub] : properties.items()) {
      if (!value.contains(name) && sub.contains("default")) value[name] = sub["default"];
      if (value.contains(name)) apply_schema_defaults(value[name], sub);
    }
  } else if (value.is_array() && schema.contains("items")) {
    for (auto& item : value) apply_schema_defaults(item, schema["items"]);
  }
}

// Leaves that the C++ defaulting produced; empty strings and containers are
// the types' zero values for required fields, not defaults.
void leaves(const json& value, const std::string& path, std::map<std::string, json>& out) {
  if (value.is_object()) {
    for (const auto& [k, v] : value.items()) leaves(v, path + "." + k, out);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i)
      leaves(value[i], path + "[" + std::to_string(i) + "]", out);
  } else if (!(value.is_string() && value.get<std::string>().empty())) {
    out[path] = value;
  }
}

template <typename Kind>
void expect_defaults_agree(const std::string& crd_file) {
  const json schema = crd_schema(crd_file);
  json object = {{"apiVersion", kApiVersion}, {"metadata", {{"name", "x"}}}};
  object["spec"] = skeleton(schema["properties"]["spec"]);
  ASSERT_FALSE(object["spec"].empty()) << crd_file;

  json by_schema = object;
  apply_schema_defaults(by_schema, schema);
  Kind typed = object.get<Kind>();
  apply_defaults(typed);
  json by_cpp = typed;

  std::map<std::string, json> schema_leaves, cpp_leaves;
  leaves(by_schema["spec"], "spec", schema_leaves);
  leaves(by_cpp["spec"], "spec", cpp_leaves);
  EXPECT_FALSE(schema_leaves.empty());
  for (const auto& [path, value] : schema_leaves) {
    auto it = cpp_leaves.find(path);
    ASSERT_NE(it, cpp_leaves.end()) << crd_file << ": C++ does not default " << path;
    EXPECT_EQ(it->second, value) << crd_file << ": " << path;
  }
  for (const auto& [path, value] : cpp_leaves) {
    EXPECT_TRUE(schema_leaves.contains(path))
        << crd_file << ": C++ defaults " << path << " = " << value << ", the CRD does not";
  }
}

TEST(ApiDefaults, ModelMatchesCrd) {
  expect_defaults_agree<Model>("models.kiln.dev.yaml");
}
TEST(ApiDefaults, EnvironmentMatchesCrd) {
  expect_defaults_agree<Environment>("environments.kiln.dev.yaml");
}
TEST(ApiDefaults, InferenceServiceMatchesCrd) {
  expect_defaults_agree<InferenceService>("inferenceservices.kiln.dev.yaml");
}
TEST(ApiDefaults, ModelPackageMatchesCrd) {
  expect_defaults_agree<ModelPackage>("modelpackages.kiln.dev.yaml");
}

TEST(ApiDefaults, MinimalInferenceService) {
  InferenceService isvc = json::parse(R"({"spec":{"models":[{"name":"m"}],
      "environmentRef":{"name":"e"},"inferenceConfig":{"source":{"inline":"x"}}}})")
                              .get<InferenceService>();
  apply_defaults(isvc);
  EXPECT_EQ(isvc.spec.target, Target::cluster);
  EXPECT_EQ(isvc.spec.inference_config.entry_script, "score.py");
  EXPECT_EQ(isvc.spec.scoring_timeout_ms, 60000);
  EXPECT_FALSE(isvc.spec.autoscaling.has_value());  // decided by the controller
  EXPECT_TRUE(effective_auth_enabled(isvc.spec));
  auto autoscaling = effective_autoscaling(isvc.spec);
  ASSERT_TRUE(autoscaling);
  EXPECT_EQ(autoscaling->min_replicas, 1);
  EXPECT_EQ(autoscaling->max_replicas, 10);
  EXPECT_EQ(autoscaling->target_utilization, 70);

  isvc.spec.target = Target::dev;
  EXPECT_FALSE(effective_auth_enabled(isvc.spec));
  EXPECT_FALSE(effective_autoscaling(isvc.spec));
  EXPECT_EQ(effective_replicas(isvc.spec), 1);

  isvc.spec.target = Target::cluster;
  isvc.spec.replicas = 3;
  EXPECT_FALSE(effective_autoscaling(isvc.spec));
  EXPECT_EQ(effective_replicas(isvc.spec), 3);
  isvc.spec.auth = AuthSettings{.enabled = false, .keys_secret_ref = std::nullopt};
  EXPECT_FALSE(effective_auth_enabled(isvc.spec));
}

TEST(ApiDefaults, DefaultsDoNotOverrideGivenValues) {
  Model model = json::parse(R"({"spec":{"source":{"uri":"s3://bucket/k"},"format":"onnx",
      "framework":"onnx","retainVersions":3}})")
                    .get<Model>();
  apply_defaults(model);
  EXPECT_EQ(model.spec.format, "onnx");
  EXPECT_EQ(model.spec.framework, "onnx");
  EXPECT_EQ(model.spec.retain_versions, 3);
}

}  // namespace
