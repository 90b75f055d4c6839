// Every example in crds/examples survives YAML -> C++ type -> JSON unchanged,
// and so do objects with status.
#include <gtest/gtest.h>

#include "crds/environment.hpp"
#include "crds/inference_service.hpp"
#include "crds/json_fields.hpp"
#include "crds/model.hpp"
#include "crds/model_package.hpp"
#include "crds/yaml_to_json.hpp"

namespace {

using nlohmann::json;
using namespace kiln::api;

json example(const std::string& name) {
  auto docs = load_yaml_file(std::string(KILN_CRD_DIR) + "/examples/" + name);
  EXPECT_EQ(docs.size(), 1u) << name;
  return docs.at(0);
}

template <typename Kind>
void expect_round_trip(const json& original) {
  Kind typed = original.get<Kind>();
  json back = typed;
  EXPECT_EQ(back, original) << "diff: " << json::diff(original, back).dump(2);
  // And the typed value survives its own JSON.
  EXPECT_EQ(back.get<Kind>(), typed);
}

TEST(ApiRoundTrip, ModelExample) {
  expect_round_trip<Model>(example("model.yaml"));
}
TEST(ApiRoundTrip, EnvironmentExample) {
  expect_round_trip<Environment>(example("environment.yaml"));
}
TEST(ApiRoundTrip, InferenceServiceExample) {
  expect_round_trip<InferenceService>(example("inferenceservice.yaml"));
}
TEST(ApiRoundTrip, AcceleratedInferenceServiceExample) {
  expect_round_trip<InferenceService>(example("inferenceservice-gpu.yaml"));
}
TEST(ApiRoundTrip, IngressExposedInferenceServiceExample) {
  expect_round_trip<InferenceService>(example("inferenceservice-ingress.yaml"));
}
TEST(ApiRoundTrip, HttpRouteExposedInferenceServiceExample) {
  expect_round_trip<InferenceService>(example("inferenceservice-httproute.yaml"));
}
TEST(ApiRoundTrip, ModelPackageExample) {
  expect_round_trip<ModelPackage>(example("modelpackage.yaml"));
}

TEST(ApiRoundTrip, ModelWithStatusAndVersions) {
  json model = example("model.yaml");
  model["metadata"]["namespace"] = "team-a";
  model["metadata"]["generation"] = 3;
  model["status"] = {
      {"observedGeneration", 3},
      {"version", 2},
      {"digest", "sha256:" + std::string(64, 'b')},
      {"image", "registry:5000/models/team-a/diabetes@sha256:" + std::string(64, 'b')},
      {"contentSha256", std::string(64, 'c')},
      {"sizeBytes", 1234},
      {"registrationJob", "diabetes-register-3"},
      {"versions",
       {{{"version", 2},
         {"digest", "sha256:" + std::string(64, 'b')},
         {"sizeBytes", 1234},
         {"registeredAt", "2026-11-21T20:00:00Z"}},
        {{"version", 1}, {"digest", "sha256:" + std::string(64, 'a')}}}},
      {"conditions",
       {{{"type", "Ready"}, {"status", "True"}, {"reason", "Registered"}, {"message", "v2"}}}}};
  expect_round_trip<Model>(model);
  Model typed = model.get<Model>();
  EXPECT_EQ(typed.status.version, 2);
  EXPECT_EQ(typed.status.versions.at(1).version, 1);
  EXPECT_EQ(meta_namespace(typed.metadata), "team-a");
  EXPECT_EQ(meta_generation(typed.metadata), 3);
}

TEST(ApiRoundTrip, StatusOfEveryKind) {
  json env = example("environment.yaml");
  env["status"] = {{"phase", "Ready"},
                   {"image", "r/environments/ns/e@sha256:" + std::string(64, 'd')},
                   {"tag", "abc"},
                   {"observedGeneration", 1}};
  expect_round_trip<Environment>(env);
  EXPECT_EQ(env.get<Environment>().status.phase, BuildPhase::ready);

  json isvc = example("inferenceservice.yaml");
  isvc["status"] = {{"scoringUri", "http://diabetes.ns.svc:5001/score"},
                    {"swaggerUri", "http://diabetes.ns.svc:5001/swagger.json"},
                    {"modelVersions", {{{"name", "diabetes"}, {"version", 2}}}},
                    {"replicas", 2},
                    {"image", "img@sha256:" + std::string(64, 'e')}};
  expect_round_trip<InferenceService>(isvc);

  json pkg = example("modelpackage.yaml");
  pkg["status"] = {{"phase", "Building"}, {"contextUri", "pvc://packages/diabetes"}};
  expect_round_trip<ModelPackage>(pkg);
}

TEST(ApiRoundTrip, WrongTypeNamesTheField) {
  json model = example("model.yaml");
  model["spec"]["source"]["uri"] = 42;
  try {
    (void)model.get<Model>();
    FAIL() << "no error";
  } catch (const DecodeError& e) {
    EXPECT_NE(std::string(e.what()).find("spec.source.uri"), std::string::npos) << e.what();
  }
  json isvc = example("inferenceservice.yaml");
  isvc["spec"]["target"] = "cloud";
  try {
    (void)isvc.get<InferenceService>();
    FAIL() << "no error";
  } catch (const DecodeError& e) {
    EXPECT_NE(std::string(e.what()).find("spec.target"), std::string::npos) << e.what();
  }
}

TEST(ApiRoundTrip, YamlScalarsKeepTheirTypes) {
  auto docs =
      parse_yaml_documents("a: 1\nb: \"1\"\nc: true\nd: 'x'\ne: 1.5\nf: ~\n---\n---\ng: [1]\n");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0], json::parse(R"({"a":1,"b":"1","c":true,"d":"x","e":1.5,"f":null})"));
  EXPECT_EQ(docs[1], json::parse(R"({"g":[1]})"));
  EXPECT_THROW(parse_yaml_documents("a: [1"), std::runtime_error);
}

}  // namespace
