#include "scheduler/gpu_policy.hpp"

#include <gtest/gtest.h>

#include "tests/unit/scheduler/test_objects.hpp"

namespace kiln::scheduler {
namespace {

using testing::make_pod;

PodRequest gpu_pod(const std::string& count, std::map<std::string, std::string> annotations = {}) {
  return parse_pod_request(make_pod("p", {{"nvidia.com/gpu", count}}, annotations));
}

NodeUsage using_gpus(std::int64_t n) {
  NodeUsage u;
  if (n > 0) u.used["nvidia.com/gpu"] = n;
  return u;
}

TEST(GpuPolicy, PacksOntoTheFullestNodeThatFits) {
  auto a100 = parse_node_info(testing::a100_node("a"));
  auto empty = evaluate_gpu(gpu_pod("1"), a100, using_gpus(0));
  auto half = evaluate_gpu(gpu_pod("1"), a100, using_gpus(2));
  auto last = evaluate_gpu(gpu_pod("1"), a100, using_gpus(3));
  ASSERT_TRUE(empty.fits && half.fits && last.fits);
  EXPECT_LT(empty.score, half.score);
  EXPECT_LT(half.score, last.score);
  EXPECT_EQ(last.score, kMaxScore);
  EXPECT_EQ(empty.score, kMaxScore - 3);
}

TEST(GpuPolicy, FullNodeIsBusyNotUnsuitable) {
  auto a100 = parse_node_info(testing::a100_node("a"));
  auto v = evaluate_gpu(gpu_pod("2"), a100, using_gpus(3));
  EXPECT_FALSE(v.fits);
  EXPECT_TRUE(v.resolvable);
  EXPECT_EQ(v.reason, "kiln: 2 GPU(s) wanted, 1 of 4 free");
}

TEST(GpuPolicy, ProductMustMatch) {
  auto a100 = parse_node_info(testing::a100_node("a"));
  auto t4 = parse_node_info(testing::t4_node("t"));
  auto t4_only = gpu_pod("1", {{"kiln.dev/gpu-product", "T4"}});
  auto a100_only = gpu_pod("1", {{"kiln.dev/gpu-product", "a100"}});
  EXPECT_TRUE(evaluate_gpu(t4_only, t4, {}).fits);
  auto v = evaluate_gpu(t4_only, a100, {});
  EXPECT_FALSE(v.fits);
  EXPECT_FALSE(v.resolvable);
  EXPECT_EQ(v.reason, "kiln: GPU NVIDIA-A100-SXM4-40GB is not T4");
  EXPECT_TRUE(evaluate_gpu(a100_only, a100, {}).fits);
  EXPECT_FALSE(evaluate_gpu(a100_only, t4, {}).fits);
  EXPECT_TRUE(evaluate_gpu(gpu_pod("1", {{"kiln.dev/gpu-product", "H100,T4"}}), t4, {}).fits);
}

TEST(GpuPolicy, UnlabelledNodeCannotProveItsProduct) {
  auto bare = parse_node_info(testing::make_node("b", {{"nvidia.com/gpu", "8"}}));
  auto v = evaluate_gpu(gpu_pod("1", {{"kiln.dev/gpu-product", "T4"}}), bare, {});
  EXPECT_FALSE(v.fits);
  EXPECT_NE(v.reason.find("no nvidia.com/gpu.product label"), std::string::npos);
  EXPECT_TRUE(evaluate_gpu(gpu_pod("1"), bare, {}).fits);
  EXPECT_FALSE(evaluate_gpu(gpu_pod("1", {{"kiln.dev/gpu-memory-min", "1Gi"}}), bare, {}).fits);
}

TEST(GpuPolicy, MemoryMinimum) {
  auto t4 = parse_node_info(testing::t4_node("t"));
  auto a100 = parse_node_info(testing::a100_node("a"));
  auto big = gpu_pod("1", {{"kiln.dev/gpu-memory-min", "20Gi"}});
  auto v = evaluate_gpu(big, t4, {});
  EXPECT_FALSE(v.fits);
  EXPECT_EQ(v.reason, "kiln: GPU memory 15360 MB < 20480 MB wanted");
  EXPECT_TRUE(evaluate_gpu(big, a100, {}).fits);
  EXPECT_TRUE(evaluate_gpu(gpu_pod("1", {{"kiln.dev/gpu-memory-min", "15360"}}), t4, {}).fits);
}

TEST(GpuPolicy, NodeWithoutGpus) {
  auto plain = parse_node_info(testing::make_node("n", {}));
  auto v = evaluate_gpu(gpu_pod("1"), plain, {});
  EXPECT_FALSE(v.fits);
  EXPECT_FALSE(v.resolvable);
}

TEST(GpuPolicy, ProductMatchIsCaseInsensitiveSubstring) {
  EXPECT_TRUE(gpu_product_matches({"t4"}, "tesla-t4"));
  EXPECT_FALSE(gpu_product_matches({""}, "tesla-t4"));
  EXPECT_FALSE(gpu_product_matches({}, "tesla-t4"));
  auto t4 = parse_node_info(testing::t4_node("t"));
  EXPECT_TRUE(evaluate_gpu(gpu_pod("1", {{"kiln.dev/gpu-product", "TESLA-t4"}}), t4, {}).fits);
}

TEST(PackingScore, FewerStrandedIsBetter) {
  EXPECT_EQ(packing_score(0), kMaxScore);
  EXPECT_EQ(packing_score(-1), kMaxScore);
  EXPECT_EQ(packing_score(1), kMaxScore - 1);
  EXPECT_EQ(packing_score(10), 0);
  EXPECT_EQ(packing_score(1000), 0);
}

}  // namespace
}  // namespace kiln::scheduler
