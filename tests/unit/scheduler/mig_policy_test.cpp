#include "scheduler/mig_policy.hpp"

#include <gtest/gtest.h>

#include "tests/unit/scheduler/test_objects.hpp"

namespace kiln::scheduler {
namespace {

PodRequest mig_pod(const std::string& profile, const std::string& count) {
  return parse_pod_request(testing::make_pod("p", {{profile, count}}));
}

TEST(MigPolicy, OnlyNodesPartitionedForTheProfile) {
  auto mig = parse_node_info(testing::mig_node("m"));
  auto a100 = parse_node_info(testing::a100_node("a"));
  EXPECT_TRUE(evaluate_mig(mig_pod("nvidia.com/mig-1g.5gb", "1"), mig, {}).fits);
  auto v = evaluate_mig(mig_pod("nvidia.com/mig-1g.5gb", "1"), a100, {});
  EXPECT_FALSE(v.fits);
  EXPECT_FALSE(v.resolvable);
  EXPECT_EQ(v.reason, "kiln: node is not partitioned for nvidia.com/mig-1g.5gb");
  EXPECT_FALSE(evaluate_mig(mig_pod("nvidia.com/mig-3g.20gb", "1"), mig, {}).fits);
}

TEST(MigPolicy, NeedsFreeSlicesAndPrefersUsedGpus) {
  auto mig = parse_node_info(testing::mig_node("m"));
  NodeUsage six;
  six.used["nvidia.com/mig-1g.5gb"] = 6;
  EXPECT_TRUE(evaluate_mig(mig_pod("nvidia.com/mig-1g.5gb", "1"), mig, six).fits);
  auto v = evaluate_mig(mig_pod("nvidia.com/mig-1g.5gb", "2"), mig, six);
  EXPECT_FALSE(v.fits);
  EXPECT_TRUE(v.resolvable);
  EXPECT_EQ(v.reason, "kiln: 2 nvidia.com/mig-1g.5gb wanted, 1 of 7 free");
  EXPECT_GT(evaluate_mig(mig_pod("nvidia.com/mig-1g.5gb", "1"), mig, six).score,
            evaluate_mig(mig_pod("nvidia.com/mig-1g.5gb", "1"), mig, {}).score);
}

}  // namespace
}  // namespace kiln::scheduler
