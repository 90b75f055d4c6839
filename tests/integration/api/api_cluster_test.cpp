// The Kiln CRDs on the real control plane: they install, `kubectl explain`
// documents their fields, printer columns, short names and the `kiln`
// category work, the examples are admitted, and the API server's defaulting
// agrees with the C++ types'.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crds/environment.hpp"
#include "crds/inference_service.hpp"
#include "crds/model.hpp"
#include "crds/model_package.hpp"
#include "crds/yaml_to_json.hpp"
#include "tests/integration/api/kiln_crd_test.hpp"

namespace {

using kiln::testing::KilnCrdTest;
using nlohmann::json;
namespace api = kiln::api;

std::string example_path(const std::string& name) {
  return std::string(KILN_CRD_DIR) + "/examples/" + name;
}

class KilnApi : public KilnCrdTest {
 protected:
  // Sets status through the status subresource, as a controller would.
  void patch_status(const std::string& object, const json& status) {
    auto r = kubectl({"patch", object, "--subresource=status", "--type=merge", "-p",
                      json{{"status", status}}.dump()});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
};

TEST_F(KilnApi, CrdsAreEstablishedWithNamesAndCategory) {
  for (const char* crd : {"models.kiln.dev", "environments.kiln.dev", "inferenceservices.kiln.dev",
                          "modelpackages.kiln.dev"}) {
    json c = get_json({"crd", crd});
    EXPECT_EQ(c["spec"]["group"], "kiln.dev");
    EXPECT_EQ(c["spec"]["versions"][0]["name"], "v1alpha1");
    EXPECT_TRUE(c["spec"]["versions"][0]["served"].get<bool>());
    EXPECT_EQ(c["spec"]["names"]["categories"], json::array({"kiln"}));
    EXPECT_TRUE(c["spec"]["versions"][0]["subresources"].contains("status")) << crd;
  }
  auto r = kubectl({"api-resources", "--api-group=kiln.dev", "-o", "wide"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* shortname : {"kisvc", "kenv", "kmodel", "kpkg"}) {
    EXPECT_NE(r.output.find(shortname), std::string::npos) << r.output;
  }
  EXPECT_EQ(r.output.find(" isvc "), std::string::npos) << "isvc is KServe's";
}

TEST_F(KilnApi, ExplainPrintsFieldDocs) {
  auto r = kubectl({"explain", "inferenceservice.spec.autoscaling"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("HorizontalPodAutoscaler"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("minReplicas"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("The fewest replicas"), std::string::npos) << r.output;

  r = kubectl({"explain", "model.spec.source.uri"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("s3://bucket/key"), std::string::npos) << r.output;

  r = kubectl({"explain", "kenv.spec.extraRequirements.requirementsFile"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("AZUREML_EXTRA_REQUIREMENTS_TXT"), std::string::npos) << r.output;

  r = kubectl({"explain", "kpkg.spec.output.format"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("DockerContext"), std::string::npos) << r.output;

  r = kubectl({"explain", "model.status.versions"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("newest first"), std::string::npos) << r.output;
}

TEST_F(KilnApi, ExamplesAreAdmitted) {
  for (const char* file :
       {"model.yaml", "environment.yaml", "inferenceservice.yaml", "inferenceservice-gpu.yaml",
        "inferenceservice-ingress.yaml", "inferenceservice-httproute.yaml", "modelpackage.yaml"}) {
    auto r = kubectl({"create", "-f", example_path(file)});
    EXPECT_EQ(r.exit_code, 0) << file << ": " << r.output;
  }
  auto r = kubectl({"get", "kiln", "-o", "name"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* name :
       {"model.kiln.dev/diabetes", "environment.kiln.dev/sklearn-env",
        "inferenceservice.kiln.dev/diabetes", "inferenceservice.kiln.dev/resnet",
        "inferenceservice.kiln.dev/diabetes-public", "inferenceservice.kiln.dev/diabetes-route",
        "modelpackage.kiln.dev/diabetes-context"}) {
    EXPECT_NE(r.output.find(name), std::string::npos) << r.output;
  }
}

TEST_F(KilnApi, PrinterColumnsShowStatus) {
  ASSERT_EQ(kubectl({"create", "-f", example_path("model.yaml")}).exit_code, 0);
  ASSERT_EQ(kubectl({"create", "-f", example_path("environment.yaml")}).exit_code, 0);
  ASSERT_EQ(kubectl({"create", "-f", example_path("inferenceservice.yaml")}).exit_code, 0);
  const std::string digest = "sha256:" + std::string(64, 'a');
  patch_status("model/diabetes", {{"version", 3},
                                  {"digest", digest},
                                  {"conditions",
                                   {{{"type", "Ready"},
                                     {"status", "True"},
                                     {"reason", "Registered"},
                                     {"message", "v3"},
                                     {"lastTransitionTime", "2026-11-21T20:00:00Z"}}}}});
  patch_status("environment/sklearn-env",
               {{"phase", "Ready"}, {"image", "registry:5000/environments/x@" + digest}});
  patch_status("inferenceservice/diabetes", {{"scoringUri", "http://diabetes.ns.svc:5001/score"},
                                             {"conditions",
                                              {{{"type", "Ready"},
                                                {"status", "False"},
                                                {"reason", "ModelNotReady"},
                                                {"message", "waiting"},
                                                {"lastTransitionTime", "2026-11-21T20:00:00Z"}}}}});

  auto r = kubectl({"get", "kmodel"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("VERSION"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("DIGEST"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("READY"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(digest), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" 3 "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("True"), std::string::npos) << r.output;

  r = kubectl({"get", "kenv"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("PHASE"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("IMAGE"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("registry:5000/environments/x@"), std::string::npos) << r.output;

  r = kubectl({"get", "kisvc"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("READY"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("URL"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("AGE"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("http://diabetes.ns.svc:5001/score"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("False"), std::string::npos) << r.output;

  r = kubectl({"get", "kiln"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("model.kiln.dev/diabetes"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("inferenceservice.kiln.dev/diabetes"), std::string::npos) << r.output;
}

// The API server's structural defaulting and apply_defaults() agree.
template <typename Kind>
void expect_server_defaults_match(const KilnApi& test, const json& object,
                                  const json& server_object) {
  Kind typed = object.get<Kind>();
  api::apply_defaults(typed);
  json ours = typed;
  EXPECT_EQ(server_object["spec"], ours["spec"])
      << json::diff(ours["spec"], server_object["spec"]).dump(2);
  (void)test;
}

TEST_F(KilnApi, ServerDefaultsMatchTheTypes) {
  const json minimal_isvc = json::parse(R"({"apiVersion":"kiln.dev/v1alpha1",
      "kind":"InferenceService","metadata":{"name":"minimal"},
      "spec":{"models":[{"name":"m"}],"environmentRef":{"name":"e"},
              "inferenceConfig":{"source":{"inline":"def init(): pass"}},
              "autoscaling":{},"probes":{"readiness":{}},"gpu":{},"target":"accelerated",
              "tolerations":[{"key":"k"}]}})");
  auto r = kubectl({"create", "--dry-run=server", "-o", "json", "-f", "-"}, minimal_isvc.dump());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  expect_server_defaults_match<api::InferenceService>(*this, minimal_isvc, json::parse(r.output));

  const json minimal_model = json::parse(R"({"apiVersion":"kiln.dev/v1alpha1","kind":"Model",
      "metadata":{"name":"minimal"},"spec":{"source":{"uri":"https://h.example.com/m.pkl",
      "caConfigMapRef":{"name":"ca"}}}})");
  r = kubectl({"create", "--dry-run=server", "-o", "json", "-f", "-"}, minimal_model.dump());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  expect_server_defaults_match<api::Model>(*this, minimal_model, json::parse(r.output));

  const json minimal_pkg = json::parse(R"({"apiVersion":"kiln.dev/v1alpha1","kind":"ModelPackage",
      "metadata":{"name":"minimal"},"spec":{"models":[{"name":"m"}],"environmentRef":{"name":"e"},
      "inferenceConfig":{"source":{"configMap":{"name":"c"}}}}})");
  r = kubectl({"create", "--dry-run=server", "-o", "json", "-f", "-"}, minimal_pkg.dump());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  expect_server_defaults_match<api::ModelPackage>(*this, minimal_pkg, json::parse(r.output));

  const json minimal_env = json::parse(R"({"apiVersion":"kiln.dev/v1alpha1","kind":"Environment",
      "metadata":{"name":"minimal"},"spec":{"python":{"pip":["numpy"]},"build":{}}})");
  r = kubectl({"create", "--dry-run=server", "-o", "json", "-f", "-"}, minimal_env.dump());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  expect_server_defaults_match<api::Environment>(*this, minimal_env, json::parse(r.output));
}

TEST_F(KilnApi, ControllerOnlyProblemsAreAdmitted) {
  // A Secret that does not exist and a host that does not resolve are for the
  // controller to report in status; admission accepts them.
  auto r = kubectl({"create", "-f", "-"}, R"(apiVersion: kiln.dev/v1alpha1
kind: Model
metadata:
  name: later
spec:
  source:
    uri: https://no-such-host.invalid/model.pkl
    secretRef:
      name: no-such-secret
)");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
