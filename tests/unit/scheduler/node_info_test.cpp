#include "scheduler/node_info.hpp"

#include <gtest/gtest.h>

#include "tests/unit/scheduler/test_objects.hpp"

namespace kiln::scheduler {
namespace {

TEST(NodeInfo, DigestsGpuFeatureDiscoveryLabels) {
  auto info = parse_node_info(testing::a100_node("a"));
  EXPECT_EQ(info.name, "a");
  EXPECT_EQ(info.allocatable.at("nvidia.com/gpu"), 4);
  EXPECT_EQ(info.allocatable.count("cpu"), 0u);
  EXPECT_EQ(info.gpu_product, "NVIDIA-A100-SXM4-40GB");
  EXPECT_EQ(info.gpu_memory_mb, 40960);
}

TEST(NodeInfo, ReadsLoadedBitstreams) {
  auto info = parse_node_info(testing::fpga_node("f", "aaa, bbb,,ccc"));
  EXPECT_EQ(info.loaded_bitstreams, (std::vector<std::string>{"aaa", "bbb", "ccc"}));
  EXPECT_EQ(info.allocatable.at(testing::kU250), 2);
}

TEST(NodeInfo, ToleratesMissingOrOddFields) {
  EXPECT_EQ(parse_node_info(nlohmann::json::object()).name, "");
  nlohmann::json odd = {{"metadata", {{"name", "n"}, {"labels", "x"}}},
                        {"status", {{"allocatable", {{"nvidia.com/gpu", 4}}}}}};
  auto info = parse_node_info(odd);
  EXPECT_EQ(info.name, "n");
  EXPECT_TRUE(info.allocatable.empty());
}

}  // namespace
}  // namespace kiln::scheduler
