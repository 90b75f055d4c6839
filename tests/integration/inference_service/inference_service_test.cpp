// kiln-operator's InferenceService controller against the real control plane
// with KWOK nodes: each target's children field by field, pods Ready on the
// right nodes, Ready with a scoringUri, rollouts of new Model versions,
// missing references and recovery, healing, deletion, keys and rotation, bad
// input without a hot loop.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/inference_service/inference_service_fixture.hpp"

namespace {

using kiln::testing::InferenceServiceTest;
using nlohmann::json;
using namespace std::chrono_literals;

const char* kScript = "def init():\n    pass\n\ndef run(data):\n    return data\n";

json base_spec(const std::string& target) {
  return {{"models", json::array({{{"name", "diabetes"}}})},
          {"environmentRef", {{"name", "sklearn"}}},
          {"inferenceConfig", {{"source", {{"inline", kScript}}}}},
          {"target", target}};
}

std::string env_of(const json& container, const std::string& name) {
  for (const auto& e : container.value("env", json::array())) {
    if (e.value("name", "") == name) return e.value("value", "");
  }
  return "<unset>";
}

void expect_owned_by_kiln(const json& child, const std::string& owner) {
  const auto& refs = child["metadata"]["ownerReferences"];
  ASSERT_EQ(refs.size(), 1u) << child.dump();
  EXPECT_EQ(refs[0]["kind"], "InferenceService");
  EXPECT_EQ(refs[0]["name"], owner);
  EXPECT_EQ(refs[0]["controller"], true);
  EXPECT_EQ(refs[0]["blockOwnerDeletion"], true);
  bool kiln_manages = false;
  for (const auto& m : child["metadata"].value("managedFields", json::array())) {
    if (m.value("manager", "") == "kiln" && m.value("operation", "") == "Apply") {
      kiln_manages = true;
    }
  }
  EXPECT_TRUE(kiln_manages) << "no server-side apply by field manager kiln";
}

std::set<std::string> nodes_of(const json& pods) {
  std::set<std::string> out;
  for (const auto& p : pods.value("items", json::array())) {
    out.insert(p.value("/spec/nodeName"_json_pointer, std::string()));
  }
  return out;
}

TEST_F(InferenceServiceTest, DevTargetChildrenAndReadyWithScoringUri) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  start_operator();
  apply_service("dev", base_spec("dev"));
  ASSERT_TRUE(wait_ready("dev")) << service("dev").dump(2) << operator_log();

  auto s = service("dev");
  EXPECT_EQ(s["status"]["scoringUri"], "http://dev." + ns() + ".svc.cluster.local/score");
  EXPECT_EQ(s["status"]["swaggerUri"], "http://dev." + ns() + ".svc.cluster.local/swagger.json");
  EXPECT_EQ(s["status"]["image"], environment_image("sklearn"));
  EXPECT_EQ(s["status"]["modelVersions"][0]["version"], 1);
  EXPECT_EQ(s["status"]["modelVersions"][0]["digest"], digest_of(1));
  EXPECT_EQ(s["status"]["replicas"], 1);
  EXPECT_EQ(s["status"]["observedGeneration"], s["metadata"]["generation"]);
  for (const char* c : {"ModelsReady", "ImageReady", "Available", "Ready"}) {
    EXPECT_EQ(condition(s, c, "status"), "True") << c;
  }
  EXPECT_FALSE(s["status"].contains("keysSecretName"));  // dev: auth off by default

  auto d = get_json({"deployment", "dev", "--show-managed-fields"});
  expect_owned_by_kiln(d, "dev");
  EXPECT_EQ(d["spec"]["replicas"], 1);
  EXPECT_EQ(d["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"], 0);
  EXPECT_EQ(d["spec"]["selector"]["matchLabels"]["kiln.dev/inference-service"], "dev");
  const auto& pod = d["spec"]["template"]["spec"];
  const auto& c = pod["containers"][0];
  EXPECT_EQ(c["image"], environment_image("sklearn"));
  EXPECT_EQ(c["workingDir"], "/var/azureml-app");
  EXPECT_EQ(c["ports"][0]["containerPort"], 5001);
  EXPECT_EQ(env_of(c, "AZUREML_MODEL_DIR"), "/var/azureml-app/azureml-models/diabetes/1");
  EXPECT_EQ(env_of(c, "AZUREML_ENTRY_SCRIPT"), "/var/azureml-app/source/score.py");
  EXPECT_EQ(env_of(c, "WORKER_COUNT"), "1");
  EXPECT_EQ(env_of(c, "SCORING_TIMEOUT_MS"), "60000");
  EXPECT_EQ(env_of(c, "KILN_AUTH_KEYS_FILE"), "<unset>");
  EXPECT_EQ(c["startupProbe"]["httpGet"]["path"], "/");
  EXPECT_EQ(c["readinessProbe"]["periodSeconds"], 10);
  EXPECT_EQ(c["livenessProbe"]["failureThreshold"], 3);
  EXPECT_EQ(c["lifecycle"]["preStop"]["sleep"]["seconds"], 5);
  EXPECT_EQ(pod["volumes"][1]["image"]["reference"], model_image("diabetes", 1));
  EXPECT_EQ(c["volumeMounts"][1]["mountPath"], "/var/azureml-app/azureml-models/diabetes/1");
  EXPECT_EQ(pod["topologySpreadConstraints"][0]["topologyKey"], "kubernetes.io/hostname");

  auto svc = get_json({"service", "dev", "--show-managed-fields"});
  expect_owned_by_kiln(svc, "dev");
  EXPECT_EQ(svc["spec"]["type"], "ClusterIP");
  EXPECT_EQ(svc["spec"]["ports"][0]["port"], 80);
  EXPECT_EQ(svc["spec"]["ports"][0]["targetPort"], "http");
  auto cm = get_json({"configmap", "dev-script", "--show-managed-fields"});
  expect_owned_by_kiln(cm, "dev");
  EXPECT_EQ(cm["data"]["script"], kScript);
  EXPECT_NE(kubectl({"get", "hpa", "dev"}).exit_code, 0);  // dev: no autoscaler
  EXPECT_NE(kubectl({"get", "pdb", "dev"}).exit_code, 0);
  EXPECT_TRUE(pods_ready("dev", 1));
}

TEST_F(InferenceServiceTest, ClusterTargetAutoscalerBudgetAndKeys) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  start_operator();
  json spec = base_spec("cluster");
  spec["autoscaling"] = {{"minReplicas", 2}, {"maxReplicas", 5}, {"targetUtilization", 60}};
  spec["resources"] = {{"requests", {{"cpu", "100m"}, {"memory", "128Mi"}}}};
  apply_service("prod", spec);
  ASSERT_TRUE(wait_ready("prod")) << service("prod").dump(2) << operator_log();
  EXPECT_TRUE(pods_ready("prod", 2));
  EXPECT_EQ(service("prod")["status"]["replicas"], 2);

  auto hpa = get_json({"hpa", "prod", "--show-managed-fields"});
  expect_owned_by_kiln(hpa, "prod");
  EXPECT_EQ(hpa["spec"]["minReplicas"], 2);
  EXPECT_EQ(hpa["spec"]["maxReplicas"], 5);
  EXPECT_EQ(hpa["spec"]["scaleTargetRef"]["name"], "prod");
  EXPECT_EQ(hpa["spec"]["metrics"][0]["resource"]["name"], "cpu");
  EXPECT_EQ(hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"], 60);
  auto pdb = get_json({"pdb", "prod", "--show-managed-fields"});
  expect_owned_by_kiln(pdb, "prod");
  EXPECT_EQ(pdb["spec"]["maxUnavailable"], 1);

  // Keys: two random keys, mounted as a directory, never in status, events or logs.
  auto s = service("prod");
  EXPECT_EQ(s["status"]["keysSecretName"], "prod-keys");
  auto secret = get_json({"secret", "prod-keys", "--show-managed-fields"});
  expect_owned_by_kiln(secret, "prod");
  const std::string primary = secret["data"]["primaryKey"];
  const std::string secondary = secret["data"]["secondaryKey"];
  EXPECT_GE(primary.size(), 40u);  // base64 of 32 characters
  EXPECT_NE(primary, secondary);
  const json c = get_json({"deployment", "prod"})["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(env_of(c, "KILN_AUTH_KEYS_FILE"), "/var/run/kiln/keys");
  auto decode = [&](const std::string& field) {
    auto r = kubectl({"get", "secret", "prod-keys", "-o", "jsonpath={.data." + field + "}"});
    auto d = kiln::testing::run_command({"base64", "-d"}, r.output);
    return d.output;
  };
  const std::string primary_key = decode("primaryKey");
  const std::string secondary_key = decode("secondaryKey");
  ASSERT_EQ(primary_key.size(), 32u);
  ASSERT_EQ(secondary_key.size(), 32u);

  // Rotation of the primary key changes exactly that key.
  auto r = kubectl({"annotate", "inferenceservice", "prod",
                    "kiln.dev/rotate-primary-key-at=2026-11-21T21:00:00Z"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(eventually([&] { return decode("primaryKey") != primary_key; })) << operator_log();
  const std::string rotated = decode("primaryKey");
  EXPECT_EQ(rotated.size(), 32u);
  EXPECT_EQ(decode("secondaryKey"), secondary_key);
  ASSERT_TRUE(eventually([&] {
    return service("prod")["status"].value("primaryKeyRotatedAt", "") == "2026-11-21T21:00:00Z";
  }));
  std::this_thread::sleep_for(3s);  // no second rotation for the same annotation
  EXPECT_EQ(decode("primaryKey"), rotated);

  const std::string everything_public =
      service("prod").dump() + get_json({"events.events.k8s.io"}).dump() + operator_log();
  for (const auto& key : {primary_key, secondary_key, rotated}) {
    EXPECT_EQ(everything_public.find(key), std::string::npos) << "a key leaked";
  }
}

TEST_F(InferenceServiceTest, EdgeTargetRunsOnlyOnEdgeNodes) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  start_operator();
  apply_service("edge", base_spec("edge"));
  ASSERT_TRUE(wait_ready("edge")) << service("edge").dump(2) << operator_log();
  auto ds = get_json({"daemonset", "edge", "--show-managed-fields"});
  expect_owned_by_kiln(ds, "edge");
  const auto& pod = ds["spec"]["template"]["spec"];
  EXPECT_EQ(pod["nodeSelector"]["kiln.dev/edge"], "true");
  EXPECT_EQ(pod["tolerations"][0]["key"], "kiln.dev/edge");
  EXPECT_EQ(pod["tolerations"][0]["operator"], "Exists");
  EXPECT_EQ(get_json({"service", "edge", "--show-managed-fields"})["spec"]["internalTrafficPolicy"],
            "Local");
  EXPECT_NE(kubectl({"get", "deployment", "edge"}).exit_code, 0);
  EXPECT_NE(kubectl({"get", "hpa", "edge"}).exit_code, 0);
  EXPECT_TRUE(pods_ready("edge", 1));
  EXPECT_EQ(nodes_of(pods("edge")), std::set<std::string>{"kwok-edge-0"});
}

TEST_F(InferenceServiceTest, GpuAndFpgaPodsLandOnlyOnTheirNodes) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  start_operator();
  json gpu = base_spec("accelerated");
  gpu["replicas"] = 2;
  gpu["gpu"] = {{"count", 1}, {"product", "NVIDIA-A100-SXM4-40GB"}, {"memory", "16Gi"}};
  apply_service("gpu", gpu);
  json fpga = base_spec("accelerated");
  fpga["replicas"] = 1;
  fpga["fpga"] = {{"resource", "amd.com/xilinx_u250_gen3x16_xdma_shell_4_1-1612906017"},
                  {"bitstream", "resnet50-int8"}};
  apply_service("fpga", fpga);
  ASSERT_TRUE(wait_ready("gpu")) << service("gpu").dump(2) << operator_log();
  ASSERT_TRUE(wait_ready("fpga")) << service("fpga").dump(2) << operator_log();

  auto d = get_json({"deployment", "gpu", "--show-managed-fields"});
  const auto& tmpl = d["spec"]["template"];
  EXPECT_EQ(tmpl["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"], "1");
  EXPECT_EQ(tmpl["spec"]["nodeSelector"]["nvidia.com/gpu.product"], "NVIDIA-A100-SXM4-40GB");
  EXPECT_EQ(tmpl["metadata"]["annotations"]["kiln.dev/gpu-product"], "NVIDIA-A100-SXM4-40GB");
  EXPECT_EQ(tmpl["metadata"]["annotations"]["kiln.dev/gpu-memory-min"], "16Gi");
  EXPECT_FALSE(tmpl["spec"].contains("schedulerName") &&
               tmpl["spec"]["schedulerName"] == "kiln-scheduler");
  EXPECT_TRUE(pods_ready("gpu", 2));
  EXPECT_EQ(nodes_of(pods("gpu")), std::set<std::string>{"kwok-gpu-a100-0"});

  auto f = get_json({"deployment", "fpga", "--show-managed-fields"})["spec"]["template"];
  EXPECT_EQ(f["metadata"]["annotations"]["kiln.dev/fpga-bitstream"], "resnet50-int8");
  EXPECT_EQ(nodes_of(pods("fpga")), std::set<std::string>{"kwok-fpga-u250-0"});
}

TEST_F(InferenceServiceTest, NewModelVersionIsReportedOnlyAfterTheRollout) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  start_operator();
  json spec = base_spec("cluster");
  spec["replicas"] = 3;
  apply_service("roll", spec);
  ASSERT_TRUE(wait_ready("roll")) << operator_log();
  set_model_version("diabetes", 2);
  bool saw_v2 = false;
  const auto deadline = std::chrono::steady_clock::now() + 90s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto s = service("roll");
    const bool reports_v2 = s["status"]["modelVersions"][0]["version"] == 2;
    if (reports_v2) {
      // Whatever the service reports must already be everywhere: fetched after.
      auto d = get_json({"deployment", "roll", "--show-managed-fields"});
      const auto& st = d["status"];
      EXPECT_EQ(d["spec"]["template"]["spec"]["volumes"][1]["image"]["reference"],
                model_image("diabetes", 2));
      EXPECT_GE(st.value("observedGeneration", 0), d["metadata"].value("generation", 0));
      EXPECT_EQ(st.value("updatedReplicas", 0), 3);
      EXPECT_EQ(st.value("replicas", 0), 3);
      EXPECT_EQ(st.value("availableReplicas", 0), 3);
      EXPECT_EQ(condition(s, "Ready", "status"), "True");
      saw_v2 = true;
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(saw_v2) << service("roll").dump(2) << operator_log();
  EXPECT_EQ(service("roll")["status"]["modelVersions"][0]["digest"], digest_of(2));
  EXPECT_TRUE(pods_ready("roll", 3));
}

TEST_F(InferenceServiceTest, MissingReferencesAreReportedAndRecoverByThemselves) {
  start_operator();
  apply_service("orphan", base_spec("dev"));
  ASSERT_TRUE(wait_reason("orphan", "ModelNotFound")) << service("orphan").dump(2);
  auto s = service("orphan");
  EXPECT_EQ(condition(s, "Ready", "status"), "False");
  EXPECT_NE(condition(s, "Ready", "message").find(ns() + "/diabetes"), std::string::npos);
  EXPECT_EQ(condition(s, "ImageReady", "reason"), "EnvironmentNotFound");
  EXPECT_NE(kubectl({"get", "deployment", "orphan"}).exit_code, 0);
  create_model("diabetes", 1);
  ASSERT_TRUE(wait_reason("orphan", "EnvironmentNotFound")) << service("orphan").dump(2);
  create_environment("sklearn");
  ASSERT_TRUE(wait_ready("orphan")) << service("orphan").dump(2) << operator_log();
  // The events said what happened.
  const std::string events = get_json({"events.events.k8s.io"}).dump();
  EXPECT_NE(events.find("ModelNotFound"), std::string::npos);
}

TEST_F(InferenceServiceTest, DeletedOrEditedChildrenAreRestoredAndDeletionLeavesNothing) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  start_operator();
  apply_service("heal", base_spec("cluster"));
  ASSERT_TRUE(wait_ready("heal")) << operator_log();
  const std::string uid = get_json({"service", "heal", "--show-managed-fields"})["metadata"]["uid"];
  ASSERT_EQ(kubectl({"delete", "service", "heal", "--wait=false"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] {
    auto r = kubectl({"get", "service", "heal", "-o", "jsonpath={.metadata.uid}"});
    return r.exit_code == 0 && !r.output.empty() && r.output != uid;
  })) << "the Service was not recreated\n"
      << operator_log();
  auto r = kubectl(
      {"patch", "deployment", "heal", "--type=json", "-p",
       R"([{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"evil:latest"}])"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(eventually([&] {
    return get_json(
               {"deployment", "heal",
                "--show-managed-fields"})["spec"]["template"]["spec"]["containers"][0]["image"] ==
           environment_image("sklearn");
  })) << "the Deployment edit was not reverted";
  ASSERT_EQ(kubectl({"delete", "hpa", "heal", "--wait=false"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return kubectl({"get", "hpa", "heal"}).exit_code == 0; }));

  ASSERT_EQ(kubectl({"delete", "inferenceservice", "heal"}).exit_code, 0);
  ASSERT_TRUE(eventually(
      [&] {
        auto left = kubectl({"get", "deployment,service,hpa,pdb,secret,configmap,replicaset,pod",
                             "-l", "kiln.dev/inference-service=heal", "-o", "name"});
        return left.exit_code == 0 && left.output.find('/') == std::string::npos;
      },
      90s))
      << kubectl({"get", "all", "-l", "kiln.dev/inference-service=heal"}).output;
}

TEST_F(InferenceServiceTest, BadInputIsRejectedOrReportedWithoutAHotLoop) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  start_operator();
  // Rejected at admission: conflicting settings.
  json conflicting = base_spec("dev");
  conflicting["replicas"] = 3;
  auto r = kubectl({"apply", "-f", "-"}, json{{"apiVersion", "kiln.dev/v1alpha1"},
                                              {"kind", "InferenceService"},
                                              {"metadata", {{"name", "bad-dev"}}},
                                              {"spec", conflicting}}
                                             .dump());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("target dev runs a single replica"), std::string::npos) << r.output;

  // Reported: a version that does not exist, a GPU count no node has.
  json pinned = base_spec("dev");
  pinned["models"][0]["version"] = 9;
  apply_service("bad-version", pinned);
  json greedy = base_spec("accelerated");
  greedy["replicas"] = 1;
  greedy["gpu"] = {{"count", 16}};
  apply_service("bad-gpu", greedy);
  ASSERT_TRUE(wait_reason("bad-version", "ModelVersionNotFound")) << service("bad-version").dump(2);
  EXPECT_NE(condition(service("bad-version"), "Ready", "message").find("known: 1"),
            std::string::npos);
  ASSERT_TRUE(wait_reason("bad-gpu", "Unschedulable", 120s))
      << service("bad-gpu").dump(2) << operator_log();
  EXPECT_NE(condition(service("bad-gpu"), "Ready", "message").find("nvidia.com/gpu"),
            std::string::npos);

  // Bounded reconcile rate: over 20 s, at most a few rechecks of the stuck service.
  const double before = reconcile_total();
  std::this_thread::sleep_for(20s);
  const double after = reconcile_total();
  EXPECT_LE(after - before, 6) << "reconciles in 20 s of idle: " << (after - before);
  EXPECT_TRUE(operator_->running());
}

TEST_F(InferenceServiceTest, OperatorFlagsChooseInitContainerDeliveryAndTheSchedulerExtender) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  const std::string fetch = "registry.kiln.test/kiln/kiln-fetch@sha256:" + std::string(64, 'f');
  start_operator({"--model-delivery", "init-container", "--registry", "registry.kiln.test",
                  "--fetch-image", fetch, "--registry-plain-http", "--scheduler-extender"});
  apply_service("fetched", base_spec("dev"));
  ASSERT_TRUE(wait_ready("fetched")) << service("fetched").dump(2) << operator_log();
  const json pod = get_json({"deployment", "fetched"})["spec"]["template"]["spec"];
  ASSERT_EQ(pod["initContainers"].size(), 1u) << pod.dump(2);
  const json& init = pod["initContainers"][0];
  EXPECT_EQ(init["image"], fetch);
  EXPECT_EQ(init["args"],
            json({"pull", "--image", model_image("diabetes", 1), "--dest",
                  "/var/azureml-app/azureml-models/diabetes/1", "--registry-plain-http"}));
  bool empty_dir = false;
  for (const auto& v : pod["volumes"]) {
    if (v["name"] == "models") empty_dir = v.contains("emptyDir");
    EXPECT_FALSE(v.contains("image")) << "no image volumes with init-container delivery";
  }
  EXPECT_TRUE(empty_dir);
  EXPECT_FALSE(pod.contains("schedulerName") && pod["schedulerName"] == "kiln-scheduler")
      << "only accelerated pods use the extender";

  json gpu = base_spec("accelerated");
  gpu["replicas"] = 1;
  gpu["gpu"] = {{"count", 1}};
  apply_service("extended", gpu);
  ASSERT_TRUE(eventually([&] {
    return kubectl({"get", "deployment", "extended"}).exit_code == 0;
  }));
  EXPECT_EQ(get_json({"deployment", "extended"})["spec"]["template"]["spec"]["schedulerName"],
            "kiln-scheduler");
}

}  // namespace
