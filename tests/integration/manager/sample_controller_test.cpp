// The controller runtime converges many objects, heals what is changed behind
// its back, and does nothing when nothing changes.
#include <chrono>
#include <cstdio>
#include <thread>

#include "operator/kube/api_error.hpp"
#include "tests/integration/manager/sample_operator_fixture.hpp"

namespace kiln::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr int kWidgetCount = 1000;

class SampleControllerTest : public SampleOperatorTest {
 protected:
  // Widgets whose ConfigMap holds their data and whose status is Ready for
  // their generation.
  int converged_widgets() const {
    auto widgets = client_->list_all(kWidgets, ns());
    auto maps = client_->list_all(kube::resources::config_maps(), ns());
    std::map<std::string, json> data_by_name;
    for (const auto& cm : maps["items"])
      data_by_name[cm["metadata"]["name"]] = cm.value("data", json::object());
    int converged = 0;
    for (const auto& w : widgets["items"]) {
      auto it = data_by_name.find(w["metadata"]["name"]);
      bool ready = false;
      for (const auto& c : w.value("/status/conditions"_json_pointer, json::array())) {
        ready |= c["type"] == "Ready" && c["status"] == "True";
      }
      if (it != data_by_name.end() && it->second == w["spec"]["data"] && ready &&
          w.value("/status/observedGeneration"_json_pointer, -1) == w["metadata"]["generation"]) {
        ++converged;
      }
    }
    return converged;
  }

  // kube-controller-manager's garbage collector lines, the last 60.
  std::string garbage_collector_log() const {
    auto r = run_command({"bash", "-c",
                          "grep -i garbage \"$0\"/logs/kube-controller-manager.log | tail -60",
                          cluster().dir});
    return r.output;
  }

  double reconciles(const OperatorReplica& r) const {
    return r.metric("controller_runtime_reconcile_total", "controller=\"widget\"");
  }
};

TEST_F(SampleControllerTest, ConvergesAThousandParentsHealsChildrenAndIdles) {
  auto op = start_replica({"--workers", "4"}, "operator");
  ASSERT_TRUE(eventually([&] { return op.ready(); }, seconds(30))) << op.process->log();

  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < kWidgetCount; ++i) {
    client_->create(kWidgets, widget("w" + std::to_string(i), {{"index", std::to_string(i)}}));
  }
  ASSERT_TRUE(
      eventually([&] { return converged_widgets() == kWidgetCount; }, seconds(300), seconds(1)))
      << converged_widgets() << " of " << kWidgetCount << " converged\n"
      << op.process->log().substr(0, 4000);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("converged %d widgets (create + reconcile) in %.1f s\n", kWidgetCount, took);

  // A deleted child comes back.
  auto old_uid = client_->get(kube::resources::config_maps(), ns(), "w7")["metadata"]["uid"];
  client_->remove(kube::resources::config_maps(), ns(), "w7");
  EXPECT_TRUE(eventually([&] {
    try {
      return client_->get(kube::resources::config_maps(), ns(), "w7")["metadata"]["uid"] != old_uid;
    } catch (const kube::NotFoundError&) {
      return false;
    }
  })) << "deleted ConfigMap w7 was not recreated";

  // An edited child is put back.
  client_->patch(kube::resources::config_maps(), ns(), "w8", kube::PatchType::kMerge,
                 {{"data", {{"index", "tampered"}}}});
  EXPECT_TRUE(eventually([&] {
    return client_->get(kube::resources::config_maps(), ns(), "w8")["data"]["index"] == "8";
  })) << "edited ConfigMap w8 was not restored";

  // A changed parent is followed.
  client_->patch(kWidgets, ns(), "w9", kube::PatchType::kMerge,
                 {{"spec", {{"data", {{"index", "nine"}}}}}});
  EXPECT_TRUE(eventually([&] {
    return client_->get(kube::resources::config_maps(), ns(), "w9")["data"]["index"] == "nine";
  }));
  ASSERT_TRUE(
      eventually([&] { return converged_widgets() == kWidgetCount; }, seconds(60), seconds(1)));

  // Idle: with nothing changing, nothing is reconciled. Wait for the last
  // events to drain (the count stops moving), then watch it stay still.
  double before = reconciles(op);
  ASSERT_TRUE(eventually(
      [&] {
        double now = reconciles(op);
        bool still = now == before;
        before = now;
        return still;
      },
      seconds(60), seconds(1)));
  EXPECT_GE(before, kWidgetCount);
  std::this_thread::sleep_for(seconds(5));
  EXPECT_EQ(reconciles(op), before) << "reconciles while nothing changed";
  EXPECT_EQ(op.metric("controller_runtime_reconcile_errors_total", "controller=\"widget\""), 0)
      << op.process->log().substr(0, 4000);
  EXPECT_EQ(op.metric("workqueue_depth", "name=\"widget\""), 0);
}

// The garbage collector follows the controller reference at once. It can
// only when it watches Widgets: kube-controller-manager's garbage collector
// maps a CRD installed after it started only at its next discovery resync
// (every 30 s) and meanwhile retries the owner lookup with exponential
// backoff, so the child went 20, 41 or 82 s after it was created (issue 7
// item 10). tests/cluster/cluster.sh installs the Widget CRD before it starts
// kube-controller-manager, and starts that afresh after the tests that restart
// kube-apiserver (whose collector then treated every Widget as unknown); 15 s
// is far more than the collector then needs (under 1 s, 2-3 s under load) and
// shorter than its 20 s retry, so a collector that does not watch Widgets
// fails this test instead of slowing it down, and prints what it was doing.
TEST_F(SampleControllerTest, DeletingTheParentDeletesTheChild) {
  auto op = start_replica({}, "operator");
  client_->create(kWidgets, widget("doomed", {{"a", "b"}}));
  ASSERT_TRUE(eventually([&] { return converged_widgets() == 1; })) << op.process->log();
  const auto deleted = std::chrono::steady_clock::now();
  client_->remove(kWidgets, ns(), "doomed");
  kube::ListOptions managed;
  managed.label_selector = "app.kubernetes.io/managed-by=sample-controller";
  const bool collected = eventually(
      [&] {
        return client_->list_all(kube::resources::config_maps(), ns(), managed)["items"].empty();
      },
      seconds(15));
  if (collected) {
    std::printf("the garbage collector deleted the child %.1f s after its parent\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - deleted).count());
  }
  EXPECT_TRUE(collected) << "the garbage collector did not follow the controller reference within "
                            "15 s; its log:\n"
                         << garbage_collector_log();
}

// Widgets created in a tight loop while operator processes start and stop:
// whatever an operator was doing when it started (listing, opening its
// watches, waiting for its caches), every Widget created meanwhile is
// reconciled, and every operator stops cleanly on SIGTERM.
TEST_F(SampleControllerTest, WidgetsCreatedWhileOperatorsStartAndStopAllConverge) {
  constexpr int kRounds = 5;
  constexpr int kPerRound = 40;
  int created = 0;
  for (int round = 0; round < kRounds; ++round) {
    auto op = start_replica({}, "operator-" + std::to_string(round));
    for (int i = 0; i < kPerRound; ++i, ++created) {
      client_->create(kWidgets, widget("s" + std::to_string(created), {{"n", std::to_string(i)}}));
    }
    ASSERT_TRUE(eventually([&] { return converged_widgets() == created; }, seconds(60), seconds(1)))
        << "round " << round << ": " << converged_widgets() << " of " << created << " converged\n"
        << op.process->log().substr(0, 8000);
    op.process->signal(SIGTERM);
    auto code = op.process->wait_for_exit(seconds(20));
    ASSERT_TRUE(code.has_value()) << "round " << round << ": still running 20 s after SIGTERM";
    EXPECT_EQ(*code, 0) << op.process->log();
  }
}

TEST_F(SampleControllerTest, SigtermDrainsAndExitsCleanly) {
  auto op = start_replica({}, "operator");
  ASSERT_TRUE(eventually([&] { return op.ready(); }, seconds(30))) << op.process->log();
  op.process->signal(SIGTERM);
  auto code = op.process->wait_for_exit(seconds(20));
  ASSERT_TRUE(code.has_value()) << "still running 20 s after SIGTERM";
  EXPECT_EQ(*code, 0) << op.process->log();
}

}  // namespace
}  // namespace kiln::testing
