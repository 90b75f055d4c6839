// Each target's children compared with golden files (golden/<case>.json).
// KILN_UPDATE_GOLDEN=1 rewrites them; review the diff before committing.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "reconcilers/inference_service/desired_state.hpp"
#include "reconcilers/inference_service/script_source.hpp"
#include "tests/unit/inference_service/fixtures.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

using nlohmann::json;
using namespace kiln::testing::isvc;

json render(const api::InferenceService& service, const ModelsByName& models,
            const ServingOptions& options, const json& user_config_map = nullptr) {
  std::optional<std::string> hash;
  if (user_config_map.is_object()) hash = config_map_content_hash(user_config_map);
  const std::optional<api::Environment> env = ready_environment();
  const FreshKeys fresh{"fresh-primary-key", "fresh-secondary-key"};
  const json no_secret = nullptr;
  auto desired = desired_state({service, models, env, hash, no_secret, fresh, options});
  json removed = json::array();
  for (const auto& r : desired.remove) {
    removed.push_back({{"apiVersion", r.api_version}, {"kind", r.kind}, {"name", r.name}});
  }
  return {{"apply", desired.apply}, {"remove", removed}};
}

void expect_golden(const std::string& name, const json& actual) {
  const std::string path = std::string(KILN_GOLDEN_DIR) + "/" + name + ".json";
  if (std::getenv("KILN_UPDATE_GOLDEN")) {
    std::ofstream(path) << actual.dump(2) << "\n";
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing golden file " << path << " (run with KILN_UPDATE_GOLDEN=1)";
  std::stringstream text;
  text << in.rdbuf();
  const json expected = json::parse(text.str());
  EXPECT_EQ(expected, actual) << "differs from " << path << ":\n"
                              << json::diff(expected, actual).dump(2);
}

ModelsByName one_model() {
  return {{"diabetes", make_model("diabetes", 2)}};
}

TEST(InferenceServiceGolden, DevTarget) {
  auto service = make_service({{"target", "dev"}}, "dev-svc");
  expect_golden("dev", render(service, one_model(), {}));
}

TEST(InferenceServiceGolden, ClusterTargetWithTwoModelsAndConfigMapSource) {
  auto service = make_service(
      {{"target", "cluster"},
       {"models", json::array({{{"name", "diabetes"}, {"version", 1}}, {{"name", "encoder"}}})},
       {"inferenceConfig",
        {{"entryScript", "score.py"},
         {"source", {{"inline", nullptr}, {"configMap", {{"name", "scripts"}}}}}}},
       {"autoscaling",
        {{"minReplicas", 2},
         {"maxReplicas", 8},
         {"targetUtilization", 60},
         {"scaleDownStabilizationSeconds", 120}}},
       {"scoringTimeoutMs", 30000},
       {"maxConcurrentRequestsPerReplica", 4},
       {"workers", 2},
       {"probes", {{"readiness", {{"initialDelaySeconds", 5}, {"periodSeconds", 5}}}}},
       {"resources",
        {{"requests", {{"cpu", "500m"}, {"memory", "1Gi"}}},
         {"limits", {{"cpu", "2"}, {"memory", "2Gi"}}}}},
       {"env", json::array({{{"name", "LOG_LEVEL"}, {"value", "info"}}})},
       {"nodeSelector", {{"kubernetes.io/os", "linux"}}},
       {"tolerations", json::array({{{"key", "dedicated"},
                                     {"operator", "Equal"},
                                     {"value", "inference"},
                                     {"effect", "NoSchedule"}}})},
       {"imagePullSecrets", json::array({{{"name", "regcred"}}})},
       {"serviceAccountName", "scoring"}},
      "diabetes");
  ModelsByName models = {{"diabetes", make_model("diabetes", 2)},
                         {"encoder", make_model("encoder", 3)}};
  const json config_map = {{"metadata", {{"name", "scripts"}}},
                           {"data", {{"score.py", "def init(): pass"}}}};
  expect_golden("cluster", render(service, models, {}, config_map));
}

TEST(InferenceServiceGolden, EdgeTarget) {
  auto service = make_service({{"target", "edge"}}, "edge-svc");
  expect_golden("edge", render(service, one_model(), {}));
}

TEST(InferenceServiceGolden, AcceleratedGpuWithSchedulerExtender) {
  auto service = make_service({{"target", "accelerated"},
                               {"replicas", 2},
                               {"gpu",
                                {{"count", 1},
                                 {"product", "NVIDIA-A100-SXM4-40GB"},
                                 {"migProfile", "1g.5gb"},
                                 {"memory", "4Gi"}}}},
                              "gpu-svc");
  ServingOptions options;
  options.scheduler_extender = true;
  expect_golden("accelerated-gpu", render(service, one_model(), options));
}

TEST(InferenceServiceGolden, AcceleratedFpgaWithoutExtender) {
  auto service = make_service({{"target", "accelerated"},
                               {"fpga",
                                {{"resource", "amd.com/xilinx_u250_gen3x16_xdma_shell_4_1"},
                                 {"bitstream", "resnet50-int8"}}}},
                              "fpga-svc");
  expect_golden("accelerated-fpga", render(service, one_model(), {}));
}

TEST(InferenceServiceGolden, InitContainerModelDelivery) {
  auto service = make_service({{"target", "dev"}}, "fetch-svc");
  ServingOptions options;
  options.model_delivery = ModelDelivery::init_container;
  options.fetch_image = "registry.kiln.test/kiln-fetch@sha256:" + std::string(64, 'f');
  options.registry_plain_http = true;
  expect_golden("init-container", render(service, one_model(), options));
}

TEST(InferenceServiceGolden, ExposedThroughAnIngressWithCertManagerAndInClusterTls) {
  auto service = make_service(
      {{"target", "cluster"},
       {"exposure",
        {{"kind", "Ingress"},
         {"host", "diabetes.scoring.example.com"},
         {"ingressClassName", "nginx"},
         {"tls", {{"issuerRef", {{"name", "letsencrypt"}, {"kind", "ClusterIssuer"}}}}}}},
       {"tls", {{"secretName", "ingress-svc-serving-cert"}}}},
      "ingress-svc");
  ServingOptions options;
  options.cert_manager = true;
  expect_golden("exposure-ingress", render(service, one_model(), options));
}

TEST(InferenceServiceGolden, ExposedThroughAnHttpRouteWithInClusterTlsFromCertManager) {
  auto service = make_service(
      {{"target", "dev"},
       {"exposure",
        {{"kind", "HTTPRoute"},
         {"host", "route.scoring.example.com"},
         {"gateway", {{"name", "public"}, {"namespace", "gateways"}, {"sectionName", "https"}}},
         {"tls", {{"secretName", "scoring-example-com"}}}}},
       {"tls", {{"issuerRef", {{"name", "cluster-ca"}}}}}},
      "route-svc");
  ServingOptions options;
  options.gateway_api = true;
  options.cert_manager = true;
  expect_golden("exposure-httproute", render(service, one_model(), options));
}

}  // namespace
}  // namespace kiln::reconcilers::inference_service
