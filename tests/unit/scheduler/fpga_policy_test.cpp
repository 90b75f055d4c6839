#include "scheduler/fpga_policy.hpp"

#include <gtest/gtest.h>

#include "tests/unit/scheduler/test_objects.hpp"

namespace kiln::scheduler {
namespace {

using namespace std::chrono_literals;
using testing::kU250;

PodRequest fpga_pod(const std::string& shell, const std::string& bitstream = "") {
  std::map<std::string, std::string> annotations;
  if (!bitstream.empty()) annotations["kiln.dev/fpga-bitstream"] = bitstream;
  return parse_pod_request(testing::make_pod("p", {{shell, "1"}}, annotations));
}

PolicyContext at(std::chrono::steady_clock::time_point now) {
  PolicyContext c;
  c.now = now;
  c.bitstream_memory = 600s;
  return c;
}

TEST(FpgaPolicy, PrefersTheNodeHoldingTheBitstreamByAnnotation) {
  auto with = parse_node_info(testing::fpga_node("f1", "abc,def"));
  auto without = parse_node_info(testing::fpga_node("f2"));
  auto pod = fpga_pod(kU250, "def");
  auto a = evaluate_fpga(pod, with, {}, at({}));
  auto b = evaluate_fpga(pod, without, {}, at({}));
  ASSERT_TRUE(a.fits && b.fits);
  EXPECT_EQ(a.score, kBitstreamLoadedScore);
  EXPECT_EQ(b.score, kCompatibleShellScore);
}

TEST(FpgaPolicy, BitstreamFromRunningOrRecentlyFinishedPods) {
  auto node = parse_node_info(testing::fpga_node("f"));
  auto pod = fpga_pod(kU250, "abc");
  const auto t0 = std::chrono::steady_clock::time_point{} + 10000s;
  NodeUsage running;
  running.bitstreams["abc"] = {1, {}};
  EXPECT_EQ(evaluate_fpga(pod, node, running, at(t0)).score, kBitstreamLoadedScore);
  NodeUsage finished;
  finished.bitstreams["abc"] = {0, t0};
  EXPECT_EQ(evaluate_fpga(pod, node, finished, at(t0 + 599s)).score, kBitstreamLoadedScore);
  EXPECT_EQ(evaluate_fpga(pod, node, finished, at(t0 + 601s)).score, kCompatibleShellScore);
}

TEST(FpgaPolicy, FiltersIncompatibleShellsAndFullNodes) {
  auto node = parse_node_info(testing::fpga_node("f", "abc"));
  auto other_shell = evaluate_fpga(
      fpga_pod("amd.com/xilinx_u280_gen3x16_xdma_base_1-1612906017", "abc"), node, {}, at({}));
  EXPECT_FALSE(other_shell.fits);
  EXPECT_FALSE(other_shell.resolvable);
  EXPECT_EQ(other_shell.reason,
            "kiln: no FPGA with shell amd.com/xilinx_u280_gen3x16_xdma_base_1-1612906017 on node");
  NodeUsage full;
  full.used[kU250] = 2;
  auto busy = evaluate_fpga(fpga_pod(kU250, "abc"), node, full, at({}));
  EXPECT_FALSE(busy.fits);
  EXPECT_TRUE(busy.resolvable);
  EXPECT_NE(busy.reason.find("0 of 2 free"), std::string::npos);
}

TEST(FpgaPolicy, WithoutBitstreamPacks) {
  auto node = parse_node_info(testing::fpga_node("f"));
  NodeUsage one;
  one.used[kU250] = 1;
  EXPECT_GT(evaluate_fpga(fpga_pod(kU250), node, one, at({})).score,
            evaluate_fpga(fpga_pod(kU250), node, {}, at({})).score);
}

}  // namespace
}  // namespace kiln::scheduler
