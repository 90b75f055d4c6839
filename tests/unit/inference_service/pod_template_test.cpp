#include "reconcilers/inference_service/pod_template.hpp"

#include <gtest/gtest.h>

#include "reconcilers/inference_service/desired_state.hpp"
#include "tests/unit/inference_service/fixtures.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

using nlohmann::json;
using namespace kiln::testing::isvc;

std::string env_value(const json& pod, const std::string& name) {
  for (const auto& e : pod["spec"]["containers"][0]["env"]) {
    if (e["name"] == name) return e["value"];
  }
  return "<unset>";
}

json pod_for(const api::InferenceService& service, const std::vector<ResolvedModel>& models,
             const ServingOptions& options = {}) {
  ScriptPlan script{json{{"name", "source"}, {"emptyDir", json::object()}}, nullptr, "h"};
  const std::string image = kEnvImage;
  return pod_template({service, models, image, script, "", options});
}

TEST(PodTemplate, OneModelDirIsItsVersionDirectory) {
  auto pod = pod_for(make_service({}), {{"diabetes", 4, digest_of('4'), "r/m@" + digest_of('4')}});
  EXPECT_EQ(env_value(pod, "AZUREML_MODEL_DIR"), "/var/azureml-app/azureml-models/diabetes/4");
  const auto& mounts = pod["spec"]["containers"][0]["volumeMounts"];
  EXPECT_EQ(mounts[1]["mountPath"], "/var/azureml-app/azureml-models/diabetes/4");
  EXPECT_EQ(pod["spec"]["volumes"][1]["image"]["reference"], "r/m@" + digest_of('4'));
  EXPECT_EQ(pod["spec"]["containers"][0]["workingDir"], "/var/azureml-app");
}

TEST(PodTemplate, SeveralModelsShareTheModelsRoot) {
  auto pod = pod_for(make_service({}), {{"a", 1, digest_of('1'), "r/a@" + digest_of('1')},
                                        {"b", 2, digest_of('2'), "r/b@" + digest_of('2')}});
  EXPECT_EQ(env_value(pod, "AZUREML_MODEL_DIR"), "/var/azureml-app/azureml-models");
  const auto& mounts = pod["spec"]["containers"][0]["volumeMounts"];
  EXPECT_EQ(mounts[1]["mountPath"], "/var/azureml-app/azureml-models/a/1");
  EXPECT_EQ(mounts[2]["mountPath"], "/var/azureml-app/azureml-models/b/2");
}

TEST(PodTemplate, ServerSettingsBecomeKilnServeEnvironment) {
  auto service = make_service({{"workers", 3},
                               {"scoringTimeoutMs", 1234},
                               {"maxConcurrentRequestsPerReplica", 7},
                               {"env", json::array({{{"name", "MY_VAR"}, {"value", "x"}}})}});
  auto pod = pod_for(service, {{"m", 1, digest_of('1'), "r/m@" + digest_of('1')}});
  EXPECT_EQ(env_value(pod, "WORKER_COUNT"), "3");
  EXPECT_EQ(env_value(pod, "SCORING_TIMEOUT_MS"), "1234");
  EXPECT_EQ(env_value(pod, "KILN_MAX_CONCURRENT_REQUESTS"), "3");  // ceil(7 / 3) per worker
  EXPECT_EQ(env_value(pod, "MY_VAR"), "x");
  EXPECT_EQ(env_value(pod, "AZUREML_ENTRY_SCRIPT"), "/var/azureml-app/source/score.py");
}

TEST(PodTemplate, AutoscalingAddsTheRequestUtilisationNeeds) {
  auto pod = pod_for(make_service({{"target", "cluster"}}),
                     {{"m", 1, digest_of('1'), "r/m@" + digest_of('1')}});
  EXPECT_EQ(pod["spec"]["containers"][0]["resources"]["requests"]["cpu"], "250m");
}

TEST(PodTemplate, GpuWithoutExtenderUsesTheDefaultScheduler) {
  auto pod = pod_for(make_service({{"target", "accelerated"}, {"gpu", {{"count", 2}}}}),
                     {{"m", 1, digest_of('1'), "r/m@" + digest_of('1')}});
  EXPECT_FALSE(pod["spec"].contains("schedulerName"));
  EXPECT_EQ(pod["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"], "2");
}

}  // namespace
}  // namespace kiln::reconcilers::inference_service
