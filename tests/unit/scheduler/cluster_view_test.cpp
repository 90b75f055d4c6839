#include "scheduler/cluster_view.hpp"

#include <gtest/gtest.h>

#include "scheduler/verdict.hpp"
#include "tests/unit/scheduler/test_objects.hpp"

namespace kiln::scheduler {
namespace {

using namespace std::chrono_literals;
using testing::make_pod;

struct Seen {
  const NodeInfo* node = nullptr;
  NodeUsage usage;
};

Seen look(const ClusterView& view, const std::string& name) {
  Seen seen;
  view.visit({name}, [&](const std::string&, const NodeInfo* n, const NodeUsage& u) {
    seen.node = n;
    seen.usage = u;
  });
  return seen;
}

std::int64_t used(const ClusterView& view, const std::string& node, const std::string& res) {
  return count_of(look(view, node).usage.used, res);
}

TEST(ClusterView, AccountsBoundPodsAndUndoesChanges) {
  ClusterView view;
  view.upsert_node(testing::a100_node("a"));
  view.upsert_pod(make_pod("p1", {{"nvidia.com/gpu", "1"}}, {}, "a", "Running"));
  view.upsert_pod(make_pod("p2", {{"nvidia.com/gpu", "2"}}, {}, "a", "Running"));
  view.upsert_pod(make_pod("pending", {{"nvidia.com/gpu", "4"}}));  // not bound: not counted
  EXPECT_EQ(used(view, "a", "nvidia.com/gpu"), 3);
  EXPECT_EQ(view.pod_count(), 2u);
  // An update replaces the pod's contribution; a finished pod frees its GPUs.
  view.upsert_pod(make_pod("p2", {{"nvidia.com/gpu", "2"}}, {}, "a", "Succeeded"));
  EXPECT_EQ(used(view, "a", "nvidia.com/gpu"), 1);
  view.remove_pod(make_pod("p1", {}, {}, "a"));
  EXPECT_EQ(used(view, "a", "nvidia.com/gpu"), 0);
  view.remove_pod(make_pod("never-seen", {}));  // harmless
}

TEST(ClusterView, PodsMayArriveBeforeTheirNode) {
  ClusterView view;
  view.upsert_pod(make_pod("p", {{"nvidia.com/gpu", "1"}}, {}, "late", "Running"));
  EXPECT_EQ(look(view, "late").node, nullptr);
  view.upsert_node(testing::a100_node("late"));
  auto seen = look(view, "late");
  ASSERT_NE(seen.node, nullptr);
  EXPECT_EQ(count_of(seen.usage.used, "nvidia.com/gpu"), 1);
  view.remove_node(testing::a100_node("late"));
  EXPECT_EQ(look(view, "late").node, nullptr);
  EXPECT_EQ(view.node_count(), 0u);
}

TEST(ClusterView, RemembersBitstreamsAfterPodsLeave) {
  auto now = std::chrono::steady_clock::time_point{} + 1000s;
  ClusterView view([&] { return now; });
  view.upsert_node(testing::fpga_node("f"));
  auto pod =
      make_pod("p", {{testing::kU250, "1"}}, {{"kiln.dev/fpga-bitstream", "abc"}}, "f", "Running");
  view.upsert_pod(pod);
  EXPECT_EQ(look(view, "f").usage.bitstreams.at("abc").active_pods, 1);
  now += 5s;
  view.remove_pod(pod);
  auto sighting = look(view, "f").usage.bitstreams.at("abc");
  EXPECT_EQ(sighting.active_pods, 0);
  EXPECT_EQ(sighting.last_seen, now);
  EXPECT_EQ(used(view, "f", testing::kU250), 0);
}

TEST(ClusterView, TrimKeepsWhatThePoliciesRead) {
  auto pod = make_pod("p", {{"nvidia.com/gpu", "1"}}, {{"kiln.dev/fpga-bitstream", "abc"}}, "a",
                      "Running");
  pod["metadata"]["managedFields"] = nlohmann::json::array({{{"manager", "x"}}});
  pod["spec"]["containers"][0]["env"] = {{{"name", "A"}, {"value", "B"}}};
  auto trimmed = pod;
  trim_pod_for_view(trimmed);
  EXPECT_FALSE(trimmed["metadata"].contains("managedFields"));
  EXPECT_FALSE(trimmed["spec"]["containers"][0].contains("env"));
  EXPECT_EQ(accelerator_requests(trimmed), accelerator_requests(pod));
  EXPECT_EQ(annotation(trimmed, "kiln.dev/fpga-bitstream"), "abc");
  EXPECT_EQ(trimmed["spec"]["nodeName"], "a");
  EXPECT_EQ(trimmed["status"]["phase"], "Running");
}

}  // namespace
}  // namespace kiln::scheduler
