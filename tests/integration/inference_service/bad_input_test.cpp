// Bad input to kiln-operator's InferenceService controller, each kind the
// issue names: references to things that do not exist, references to objects
// of the wrong kind, impossible resources, conflicting targets. Each is
// rejected at admission (the CRD's schema and CEL rules) with the rule's
// message, or reported on Ready with a reason and a message that says what to
// do; meanwhile the operator keeps running and reconciles at a bounded rate.
#include <gtest/gtest.h>

#include <thread>

#include "tests/integration/inference_service/inference_service_fixture.hpp"

namespace {

using kiln::testing::InferenceServiceTest;
using nlohmann::json;
using namespace std::chrono_literals;

const char* kScript = "def init():\n    pass\n\ndef run(data):\n    return data\n";

json spec_for(const std::string& target) {
  return {{"models", json::array({{{"name", "diabetes"}}})},
          {"environmentRef", {{"name", "sklearn"}}},
          {"inferenceConfig", {{"source", {{"inline", kScript}}}}},
          {"target", target}};
}

class BadInputTest : public InferenceServiceTest {
 protected:
  // kubectl apply of a service that admission must refuse; the output.
  std::string rejected(const std::string& name, const json& spec) {
    auto r = kubectl({"apply", "-f", "-"}, json{{"apiVersion", "kiln.dev/v1alpha1"},
                                                {"kind", "InferenceService"},
                                                {"metadata", {{"name", name}}},
                                                {"spec", spec}}
                                               .dump());
    EXPECT_NE(r.exit_code, 0) << name << " was admitted";
    EXPECT_NE(kubectl({"get", "inferenceservice", name}).exit_code, 0);
    return r.output;
  }

  std::string ready_message(const std::string& name) {
    return condition(service(name), "Ready", "message");
  }

  // Over `window`, how many reconciles the operator ran.
  double reconciles_during(std::chrono::seconds window) {
    const double before = reconcile_total();
    std::this_thread::sleep_for(window);
    return reconcile_total() - before;
  }
};

TEST_F(BadInputTest, ReferencesToThingsThatDoNotExistAreReportedAndRecover) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  start_operator();
  json missing_script = spec_for("dev");
  missing_script["inferenceConfig"]["source"] = {{"configMap", {{"name", "no-such-scripts"}}}};
  apply_service("no-script", missing_script);
  json missing_model = spec_for("dev");
  missing_model["models"].push_back({{"name", "no-such-model"}});
  apply_service("no-model", missing_model);
  json missing_env = spec_for("dev");
  missing_env["environmentRef"]["name"] = "no-such-env";
  apply_service("no-env", missing_env);
  json missing_keys = spec_for("dev");
  missing_keys["auth"] = {{"enabled", true}, {"keysSecretRef", {{"name", "no-such-keys"}}}};
  apply_service("no-keys", missing_keys);
  json missing_account = spec_for("dev");
  missing_account["serviceAccountName"] = "no-such-account";
  apply_service("no-account", missing_account);

  ASSERT_TRUE(wait_reason("no-script", "ScriptConfigMapNotFound")) << service("no-script").dump(2);
  EXPECT_NE(ready_message("no-script").find("kubectl create configmap no-such-scripts"),
            std::string::npos)
      << ready_message("no-script");
  ASSERT_TRUE(wait_reason("no-model", "ModelNotFound")) << service("no-model").dump(2);
  EXPECT_NE(ready_message("no-model").find(ns() + "/no-such-model"), std::string::npos);
  ASSERT_TRUE(wait_reason("no-env", "EnvironmentNotFound")) << service("no-env").dump(2);
  EXPECT_NE(ready_message("no-env").find(ns() + "/no-such-env"), std::string::npos);
  ASSERT_TRUE(wait_reason("no-keys", "KeysSecretNotFound")) << service("no-keys").dump(2);
  EXPECT_NE(ready_message("no-keys").find("kubectl create secret generic no-such-keys"),
            std::string::npos)
      << ready_message("no-keys");
  for (const char* name : {"no-script", "no-model", "no-env", "no-keys"}) {
    EXPECT_NE(kubectl({"get", "deployment", name}).exit_code, 0) << name;
  }
  // The pods cannot be created: the API's reason, quoted.
  ASSERT_TRUE(wait_reason("no-account", "ReplicaFailure", 120s))
      << service("no-account").dump(2) << operator_log();
  EXPECT_NE(ready_message("no-account").find("no-such-account"), std::string::npos)
      << ready_message("no-account");

  // Stuck services are not retried in a hot loop.
  const double idle = reconciles_during(20s);
  EXPECT_LE(idle, 8) << "reconciles in 20 s with five stuck services";

  // The missing ConfigMap appears: the service recovers by itself.
  ASSERT_EQ(kubectl({"create", "configmap", "no-such-scripts",
                     "--from-literal=score.py=" + std::string(kScript)})
                .exit_code,
            0);
  ASSERT_TRUE(wait_ready("no-script")) << service("no-script").dump(2) << operator_log();
  ASSERT_EQ(kubectl({"create", "secret", "generic", "no-such-keys",
                     "--from-literal=primaryKey=a-primary-key-of-the-users",
                     "--from-literal=secondaryKey=a-secondary-key-of-the-users"})
                .exit_code,
            0);
  ASSERT_TRUE(wait_ready("no-keys", 90s)) << service("no-keys").dump(2) << operator_log();
  ASSERT_EQ(kubectl({"create", "serviceaccount", "no-such-account"}).exit_code, 0);
  ASSERT_TRUE(wait_ready("no-account", 180s)) << service("no-account").dump(2) << operator_log();
}

TEST_F(BadInputTest, ReferencesToObjectsOfTheWrongKindAreReported) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  start_operator();
  // environmentRef names a Model, models[] names an Environment.
  json model_as_environment = spec_for("dev");
  model_as_environment["environmentRef"]["name"] = "diabetes";
  apply_service("model-as-env", model_as_environment);
  json environment_as_model = spec_for("dev");
  environment_as_model["models"] = json::array({{{"name", "sklearn"}}});
  apply_service("env-as-model", environment_as_model);
  ASSERT_TRUE(wait_reason("model-as-env", "EnvironmentNotFound"))
      << service("model-as-env").dump(2);
  EXPECT_NE(ready_message("model-as-env").find("Environment " + ns() + "/diabetes"),
            std::string::npos)
      << ready_message("model-as-env");
  ASSERT_TRUE(wait_reason("env-as-model", "ModelNotFound")) << service("env-as-model").dump(2);
  EXPECT_NE(ready_message("env-as-model").find(ns() + "/sklearn"), std::string::npos);

  // A URL where an image reference belongs, a target that is not one, a
  // Model name that is not a Kubernetes name: refused at admission.
  json url_as_image = spec_for("dev");
  url_as_image.erase("environmentRef");
  url_as_image["image"] = "https://registry.example.com/serve:1";
  EXPECT_NE(rejected("url-image", url_as_image).find("must be an image reference"),
            std::string::npos);
  EXPECT_NE(rejected("bad-target", spec_for("gpu")).find("Unsupported value: \"gpu\""),
            std::string::npos);
  json bad_name = spec_for("dev");
  bad_name["models"][0]["name"] = "Diabetes_Model";
  EXPECT_NE(rejected("bad-model-name", bad_name).find("spec.models[0].name"), std::string::npos);
  EXPECT_TRUE(operator_->running());
}

TEST_F(BadInputTest, ImpossibleResourcesAreRejectedOrReportedUnschedulable) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  start_operator();
  // Refused at admission: a request above its limit, a MIG profile that does not exist.
  json inverted = spec_for("cluster");
  inverted["resources"] = {{"requests", {{"cpu", "2"}}}, {"limits", {{"cpu", "1"}}}};
  EXPECT_NE(rejected("inverted", inverted)
                .find("each request must be less than or equal to its limit (cpu)"),
            std::string::npos);
  json mig = spec_for("accelerated");
  mig["gpu"] = {{"migProfile", "9g.500gb"}};
  EXPECT_NE(rejected("bad-mig", mig).find("spec.gpu.migProfile"), std::string::npos);

  // Reported by the controller: more GPU memory than the MIG slice has.
  json small_slice = spec_for("accelerated");
  small_slice["gpu"] = {{"migProfile", "1g.5gb"}, {"memory", "40Gi"}};
  apply_service("small-slice", small_slice);
  ASSERT_TRUE(wait_reason("small-slice", "InvalidSpec")) << service("small-slice").dump(2);
  EXPECT_NE(ready_message("small-slice").find("more than the MIG profile 1g.5gb provides"),
            std::string::npos)
      << ready_message("small-slice");

  // Admitted but no node can hold it: the scheduler's reason, on Ready.
  json huge = spec_for("cluster");
  huge["replicas"] = 1;
  huge["resources"] = {{"requests", {{"cpu", "1000"}, {"memory", "1Ti"}}}};
  apply_service("huge", huge);
  ASSERT_TRUE(wait_reason("huge", "Unschedulable", 120s))
      << service("huge").dump(2) << operator_log();
  EXPECT_NE(ready_message("huge").find("Insufficient cpu"), std::string::npos)
      << ready_message("huge");
  EXPECT_EQ(condition(service("huge"), "Available", "status"), "False");

  const double idle = reconciles_during(20s);
  EXPECT_LE(idle, 6) << "reconciles in 20 s with an unschedulable and an invalid service";
  EXPECT_TRUE(operator_->running());
}

TEST_F(BadInputTest, ResourcesAboveTheNamespaceQuotaAreReported) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  ASSERT_EQ(
      kubectl({"create", "quota", "small", "--hard=requests.cpu=1,requests.memory=1Gi"}).exit_code,
      0);
  start_operator();
  json big = spec_for("cluster");
  big["replicas"] = 1;
  big["resources"] = {{"requests", {{"cpu", "2"}, {"memory", "512Mi"}}}};
  apply_service("big", big);
  ASSERT_TRUE(wait_reason("big", "QuotaExceeded", 120s))
      << service("big").dump(2) << operator_log();
  EXPECT_NE(ready_message("big").find("raise the namespace's ResourceQuota"), std::string::npos)
      << ready_message("big");
  EXPECT_LE(reconciles_during(20s), 6);
  EXPECT_TRUE(operator_->running());
}

TEST_F(BadInputTest, ConflictingTargetsAndSettingsAreRejectedAtAdmission) {
  start_operator();
  json both = spec_for("accelerated");
  both["gpu"] = {{"count", 1}};
  both["fpga"] = {{"resource", "amd.com/xilinx_u250"}};
  EXPECT_NE(rejected("gpu-and-fpga", both).find("set gpu or fpga, not both"), std::string::npos);
  EXPECT_NE(rejected("accelerated-without", spec_for("accelerated"))
                .find("target accelerated needs gpu or fpga"),
            std::string::npos);
  json dev_autoscaled = spec_for("dev");
  dev_autoscaled["autoscaling"] = {{"maxReplicas", 3}};
  EXPECT_NE(rejected("dev-autoscaled", dev_autoscaled).find("target dev runs a single replica"),
            std::string::npos);
  json fixed_and_auto = spec_for("cluster");
  fixed_and_auto["replicas"] = 2;
  fixed_and_auto["autoscaling"] = {{"maxReplicas", 3}};
  EXPECT_NE(rejected("fixed-and-auto", fixed_and_auto)
                .find("set replicas (a fixed count) or autoscaling, not both"),
            std::string::npos);
  json inverted = spec_for("cluster");
  inverted["autoscaling"] = {{"minReplicas", 5}, {"maxReplicas", 2}};
  EXPECT_NE(rejected("min-above-max", inverted)
                .find("minReplicas must be less than or equal to maxReplicas"),
            std::string::npos);
  json env_and_image = spec_for("cluster");
  env_and_image["image"] = "registry.example.com/serve:1";
  EXPECT_NE(rejected("env-and-image", env_and_image).find("set exactly one of environmentRef"),
            std::string::npos);

  // An edit into a conflict is refused too; the stored service is unchanged.
  create_model("diabetes", 1);
  create_environment("sklearn");
  apply_service("ok", spec_for("dev"));
  ASSERT_TRUE(wait_ready("ok")) << operator_log();
  auto r = kubectl({"patch", "inferenceservice", "ok", "--type=merge", "-p",
                    R"({"spec":{"target":"accelerated"}})"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("target accelerated needs gpu or fpga"), std::string::npos) << r.output;
  EXPECT_EQ(service("ok")["spec"]["target"], "dev");
  EXPECT_TRUE(operator_->running());
}

}  // namespace
