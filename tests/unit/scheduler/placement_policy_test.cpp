#include "scheduler/placement_policy.hpp"

#include <gtest/gtest.h>

#include "tests/unit/scheduler/test_objects.hpp"

namespace kiln::scheduler {
namespace {

TEST(PlacementPolicy, UnmanagedPodsPassEverywhereWithNeutralScore) {
  auto pod = parse_pod_request(testing::make_pod("p", {{"cpu", "1"}}));
  for (const auto& node :
       {testing::a100_node("a"), testing::make_node("n", {}), testing::fpga_node("f")}) {
    auto v = evaluate_placement(pod, parse_node_info(node), {}, {});
    EXPECT_TRUE(v.fits);
    EXPECT_EQ(v.score, kNeutralScore);
  }
}

TEST(PlacementPolicy, EveryApplicablePolicyMustAccept) {
  // A pod asking for a GPU and an FPGA fits only a node with both.
  auto pod =
      parse_pod_request(testing::make_pod("p", {{"nvidia.com/gpu", "1"}, {testing::kU250, "1"}}));
  EXPECT_FALSE(evaluate_placement(pod, parse_node_info(testing::a100_node("a")), {}, {}).fits);
  EXPECT_FALSE(evaluate_placement(pod, parse_node_info(testing::fpga_node("f")), {}, {}).fits);
  auto both = testing::make_node("b", {{"nvidia.com/gpu", "1"}, {testing::kU250, "1"}});
  auto v = evaluate_placement(pod, parse_node_info(both), {}, {});
  EXPECT_TRUE(v.fits);
  EXPECT_EQ(v.score, kMaxScore);  // both policies: fills the node exactly
}

TEST(PlacementPolicy, TheFirstRefusalIsTheReason) {
  auto pod = parse_pod_request(
      testing::make_pod("p", {{"nvidia.com/gpu", "1"}}, {{"kiln.dev/gpu-product", "H100"}}));
  auto v = evaluate_placement(pod, parse_node_info(testing::t4_node("t")), {}, {});
  EXPECT_FALSE(v.fits);
  EXPECT_EQ(v.reason, "kiln: GPU Tesla-T4 is not H100");
}

}  // namespace
}  // namespace kiln::scheduler
