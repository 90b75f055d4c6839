// validate(): the examples are valid; each rule reports the field at fault,
// including the ones CEL cannot express.
#include <gtest/gtest.h>

#include "crds/environment.hpp"
#include "crds/inference_service.hpp"
#include "crds/model.hpp"
#include "crds/model_package.hpp"
#include "crds/yaml_to_json.hpp"

namespace {

using nlohmann::json;
using namespace kiln::api;

json example(const std::string& name) {
  return load_yaml_file(std::string(KILN_CRD_DIR) + "/examples/" + name).at(0);
}

bool has_error(const FieldErrors& errors, const std::string& path, const std::string& fragment) {
  for (const auto& e : errors) {
    if (e.path == path && e.message.find(fragment) != std::string::npos) return true;
  }
  return false;
}

template <typename Kind>
FieldErrors errors_of(json object) {
  Kind typed = object.get<Kind>();
  apply_defaults(typed);
  return validate(typed);
}

TEST(ApiValidation, ExamplesAreValid) {
  EXPECT_EQ(to_string(errors_of<Model>(example("model.yaml"))), "");
  EXPECT_EQ(to_string(errors_of<Environment>(example("environment.yaml"))), "");
  EXPECT_EQ(to_string(errors_of<InferenceService>(example("inferenceservice.yaml"))), "");
  EXPECT_EQ(to_string(errors_of<InferenceService>(example("inferenceservice-gpu.yaml"))), "");
  EXPECT_EQ(to_string(errors_of<ModelPackage>(example("modelpackage.yaml"))), "");
}

TEST(ApiValidation, ModelSourceRules) {
  json m = example("model.yaml");
  m["spec"]["source"] = {{"uri", "ftp://host/model.pkl"}};
  EXPECT_TRUE(has_error(errors_of<Model>(m), "spec.source.uri", "must start with"));
  m["spec"]["source"] = {{"uri", "s3://192.168.1.10/model.pkl"}};  // CEL lets this pass
  EXPECT_TRUE(has_error(errors_of<Model>(m), "spec.source.uri", "IP address"));
  m["spec"]["source"] = {{"uri", "s3://my..bucket/model.pkl"}};
  EXPECT_TRUE(has_error(errors_of<Model>(m), "spec.source.uri", "adjacent dots"));
  m["spec"]["source"] = {{"uri", "pvc://claim/a/../../etc/passwd"}};
  EXPECT_TRUE(has_error(errors_of<Model>(m), "spec.source.uri", ".."));
  m["spec"]["source"] = {{"uri", "oci://registry:5000/models/x:v1"},
                         {"sha256", std::string(64, 'a')}};
  EXPECT_TRUE(has_error(errors_of<Model>(m), "spec.source.sha256", "oci"));
  m["spec"]["source"] = {{"uri", "https://h/m"}, {"sha256", "ABC"}};
  EXPECT_TRUE(has_error(errors_of<Model>(m), "spec.source.sha256", "64"));
  m["spec"]["source"] = {{"uri", "pvc://claim/m.pkl"}, {"secretRef", {{"name", "s"}}}};
  EXPECT_TRUE(has_error(errors_of<Model>(m), "spec.source.secretRef", "pvc"));
  m["spec"]["source"] = {{"uri", "https://h/m"}};
  m["spec"]["format"] = "joblib";
  EXPECT_TRUE(has_error(errors_of<Model>(m), "spec.format", "pickle"));
  m["spec"]["format"] = "pickle";
  m["metadata"]["name"] = std::string(64, 'a');
  EXPECT_TRUE(has_error(errors_of<Model>(m), "metadata.name", "63"));
}

TEST(ApiValidation, InferenceServiceCrossFieldRules) {
  json s = example("inferenceservice.yaml");
  s["spec"]["autoscaling"]["minReplicas"] = 9;
  EXPECT_TRUE(
      has_error(errors_of<InferenceService>(s), "spec.autoscaling.minReplicas", "maxReplicas"));

  s = example("inferenceservice.yaml");
  s["spec"]["inferenceConfig"]["source"]["inline"] = "def init(): pass";
  EXPECT_TRUE(
      has_error(errors_of<InferenceService>(s), "spec.inferenceConfig.source", "exactly one"));

  s = example("inferenceservice.yaml");
  s["spec"]["image"] = "registry/x:1";
  EXPECT_TRUE(has_error(errors_of<InferenceService>(s), "spec", "exactly one of environmentRef"));

  s = example("inferenceservice.yaml");
  s["spec"]["target"] = "dev";
  EXPECT_TRUE(has_error(errors_of<InferenceService>(s), "spec.target", "single replica"));

  s = example("inferenceservice.yaml");
  s["spec"]["target"] = "accelerated";
  EXPECT_TRUE(has_error(errors_of<InferenceService>(s), "spec.target", "gpu or fpga"));

  s = example("inferenceservice.yaml");
  s["spec"]["resources"]["requests"]["memory"] = "3Gi";
  EXPECT_TRUE(has_error(errors_of<InferenceService>(s), "spec.resources.requests.memory", "limit"));

  s = example("inferenceservice.yaml");
  s["spec"]["env"].push_back({{"name", "AZUREML_MODEL_DIR"}, {"value", "/tmp"}});
  EXPECT_TRUE(has_error(errors_of<InferenceService>(s), "spec.env[1].name", "set by Kiln"));

  s = example("inferenceservice.yaml");
  s["spec"]["auth"] = {{"enabled", false}, {"keysSecretRef", {{"name", "k"}}}};
  EXPECT_TRUE(has_error(errors_of<InferenceService>(s), "spec.auth.keysSecretRef", "enabled"));

  s = example("inferenceservice.yaml");
  s["spec"]["tolerations"][0]["tolerationSeconds"] = 30;
  EXPECT_TRUE(has_error(errors_of<InferenceService>(s), "spec.tolerations[0].tolerationSeconds",
                        "NoExecute"));
}

TEST(ApiValidation, GpuMemoryBeyondTheMigProfile) {
  json s = example("inferenceservice-gpu.yaml");
  s["spec"]["gpu"]["memory"] = "40Gi";  // a 1g.5gb slice has 5 GB
  EXPECT_TRUE(has_error(errors_of<InferenceService>(s), "spec.gpu.memory", "MIG profile"));
  s["spec"]["gpu"]["memory"] = "-1Gi";
  EXPECT_TRUE(has_error(errors_of<InferenceService>(s), "spec.gpu.memory", "positive"));
}

TEST(ApiValidation, EnvironmentRules) {
  json e = example("environment.yaml");
  e["spec"]["baseDockerfile"] = "FROM debian:bookworm\n";
  EXPECT_TRUE(has_error(errors_of<Environment>(e), "spec", "at most one of baseImage"));
  e = example("environment.yaml");
  e["spec"]["python"]["userManagedDependencies"] = true;
  EXPECT_TRUE(has_error(errors_of<Environment>(e), "spec.python", "userManagedDependencies"));
  e = example("environment.yaml");
  e["spec"]["extraRequirements"]["pythonLibPath"] = "../lib";
  EXPECT_TRUE(
      has_error(errors_of<Environment>(e), "spec.extraRequirements.pythonLibPath", "relative"));
  e = example("environment.yaml");
  e["spec"].erase("baseImage");
  e["spec"]["baseDockerfile"] = "RUN echo no base\n";
  EXPECT_TRUE(has_error(errors_of<Environment>(e), "spec.baseDockerfile", "FROM"));
}

TEST(ApiValidation, ModelPackageRules) {
  json p = example("modelpackage.yaml");
  p["spec"]["output"]["format"] = "Image";
  EXPECT_TRUE(has_error(errors_of<ModelPackage>(p), "spec.output.pvc", "DockerContext"));
  p = example("modelpackage.yaml");
  p["spec"]["models"] = json::array();
  EXPECT_TRUE(has_error(errors_of<ModelPackage>(p), "spec.models", "at least one"));
}

}  // namespace
