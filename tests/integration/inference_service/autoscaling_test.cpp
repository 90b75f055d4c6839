// Autoscaling with the real HPA controller of kube-controller-manager: an
// InferenceService of target cluster on a KWOK node whose emulated CPU usage
// the test sets, metrics-server scraping it (tests/integration/
// inference_service/metrics_pipeline.hpp). Usage above the target raises the
// replicas to maxReplicas and never beyond; usage below it brings them back
// to minReplicas.
#include <gtest/gtest.h>

#include <iostream>
#include <thread>

#include "tests/integration/inference_service/inference_service_fixture.hpp"
#include "tests/integration/inference_service/metrics_pipeline.hpp"

namespace {

using kiln::testing::InferenceServiceTest;
using kiln::testing::MetricsPipeline;
using nlohmann::json;
using namespace std::chrono_literals;

class AutoscalingTest : public InferenceServiceTest {
 protected:
  void SetUp() override {
    InferenceServiceTest::SetUp();
    if (HasFatalFailure()) return;
    pipeline_ = std::make_unique<MetricsPipeline>(
        cluster().dir, cluster().var("KUBECONFIG"), ns(),
        "kwok-metrics-" + ns().substr(ns().rfind('-') + 1),
        [this](const std::vector<std::string>& args, const std::string& input) {
          return kubectl(args, input);
        });
    const std::string failure = pipeline_->start();
    ASSERT_EQ(failure, "");
  }

  void TearDown() override {
    pipeline_.reset();
    InferenceServiceTest::TearDown();
  }

  // Deployment spec.replicas (what the HPA asked) and ready pods.
  int desired_replicas() {
    auto r = kubectl({"get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"});
    return r.exit_code == 0 && !r.output.empty() ? std::stoi(r.output) : -1;
  }

  std::unique_ptr<MetricsPipeline> pipeline_;
};

TEST_F(AutoscalingTest, EmulatedCpuAboveTargetScalesToMaxAndBelowBackToMin) {
  create_model("diabetes", 1);
  create_environment("sklearn");
  ASSERT_EQ(pipeline_->set_usage(ns(), "10m", "64Mi"), "");
  start_operator();
  const std::string node = pipeline_->node();
  apply_service(
      "web", {{"models", json::array({{{"name", "diabetes"}}})},
              {"environmentRef", {{"name", "sklearn"}}},
              {"inferenceConfig",
               {{"source", {{"inline", "def init():\n    pass\n\ndef run(d):\n    return d\n"}}}}},
              {"target", "cluster"},
              {"autoscaling",
               {{"minReplicas", 1},
                {"maxReplicas", 4},
                {"targetUtilization", 50},
                {"scaleDownStabilizationSeconds", 0}}},
              {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "128Mi"}}}}},
              {"nodeSelector", {{MetricsPipeline::kNodeLabel, node}}},
              {"tolerations", json::array({{{"key", MetricsPipeline::kNodeLabel},
                                            {"operator", "Exists"},
                                            {"effect", "NoSchedule"}}})}});
  ASSERT_TRUE(wait_ready("web")) << service("web").dump(2) << operator_log();
  ASSERT_TRUE(pods_ready("web", 1));

  // The HPA reads real metrics: 10m of 100m requested = 10% (target 50%).
  ASSERT_TRUE(eventually(
      [&] {
        auto h = get_json({"hpa", "web"});
        return h.value("/status/currentMetrics/0/resource/current/averageUtilization"_json_pointer,
                       -1) >= 0;
      },
      150s, 2s))
      << get_json({"hpa", "web"}).dump(2) << pipeline_->logs();
  EXPECT_EQ(desired_replicas(), 1);

  // 1 CPU of 100m requested = 1000%: the HPA wants 20, maxReplicas caps it at 4.
  ASSERT_EQ(pipeline_->set_usage(ns(), "1", "64Mi"), "");
  const auto raised = std::chrono::steady_clock::now();
  int most = 0;
  const bool reached_max = eventually(
      [&] {
        most = std::max(most, desired_replicas());
        return desired_replicas() == 4 && pods_ready("web", 4);
      },
      240s, 1s);
  ASSERT_TRUE(reached_max) << get_json({"hpa", "web"}).dump(2) << pipeline_->logs();
  const auto scale_up = std::chrono::steady_clock::now() - raised;
  // Stays at the maximum while the load lasts, never above it.
  for (int i = 0; i < 20; ++i) {
    most = std::max(most, desired_replicas());
    std::this_thread::sleep_for(1s);
  }
  EXPECT_EQ(most, 4);
  EXPECT_EQ(desired_replicas(), 4);
  EXPECT_EQ(get_json({"hpa", "web"})["status"].value("desiredReplicas", 0), 4);
  ASSERT_TRUE(eventually([&] { return service("web")["status"].value("replicas", 0) == 4; }, 60s))
      << service("web").dump(2);

  // 5m = 5%: back to minReplicas (scale-down stabilisation 0 s).
  ASSERT_EQ(pipeline_->set_usage(ns(), "5m", "64Mi"), "");
  const auto lowered = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return desired_replicas() == 1 && pods_ready("web", 1); }, 240s, 1s))
      << get_json({"hpa", "web"}).dump(2) << pipeline_->logs();
  const auto scale_down = std::chrono::steady_clock::now() - lowered;
  std::cout << "[ INFO     ] usage 1000% of target: 1 -> 4 replicas (max) Ready in "
            << std::chrono::duration_cast<std::chrono::seconds>(scale_up).count()
            << " s; usage 5%: back to 1 (min) in "
            << std::chrono::duration_cast<std::chrono::seconds>(scale_down).count() << " s\n";
  EXPECT_TRUE(wait_ready("web", 60s)) << service("web").dump(2);
  // Every pod ran on the metrics node, the only one whose usage is emulated.
  const auto web_pods = pods("web");
  for (const auto& p : web_pods["items"]) {
    EXPECT_EQ(p["spec"].value("nodeName", ""), node);
  }
}

}  // namespace
