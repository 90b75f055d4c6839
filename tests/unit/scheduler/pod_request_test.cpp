#include "scheduler/pod_request.hpp"

#include <gtest/gtest.h>

#include "tests/unit/scheduler/test_objects.hpp"

namespace kiln::scheduler {
namespace {

using testing::make_pod;

TEST(PodRequest, ReadsAcceleratorResourcesOnly) {
  auto r = parse_pod_request(make_pod("p", {{"nvidia.com/gpu", "2"}, {"memory", "1Gi"}}));
  EXPECT_TRUE(r.managed());
  EXPECT_EQ(r.gpus(), 2);
  EXPECT_EQ(r.resources().size(), 1u);
  EXPECT_TRUE(r.mig().empty());
  EXPECT_TRUE(r.fpga().empty());
}

TEST(PodRequest, PodWithoutAcceleratorsIsUnmanaged) {
  EXPECT_FALSE(parse_pod_request(make_pod("p", {{"cpu", "1"}})).managed());
  EXPECT_FALSE(parse_pod_request(nlohmann::json::object()).managed());
  EXPECT_FALSE(parse_pod_request(make_pod("p", {{"nvidia.com/gpu", "0"}})).managed());
}

TEST(PodRequest, SumsContainersAndTakesTheLargestInitContainer) {
  auto pod = make_pod("p", {{"nvidia.com/gpu", "1"}});
  pod["spec"]["containers"].push_back(
      {{"name", "b"}, {"resources", {{"limits", {{"nvidia.com/gpu", "2"}}}}}});  // limit only
  pod["spec"]["initContainers"] = {
      {{"name", "i"}, {"resources", {{"requests", {{"nvidia.com/gpu", "4"}}}}}}};
  EXPECT_EQ(accelerator_requests(pod).at("nvidia.com/gpu"), 4);
  pod["spec"]["initContainers"][0]["resources"]["requests"]["nvidia.com/gpu"] = "1";
  EXPECT_EQ(accelerator_requests(pod).at("nvidia.com/gpu"), 3);
}

TEST(PodRequest, SplitsMigAndFpga) {
  auto r = parse_pod_request(make_pod("p", {{"nvidia.com/mig-1g.5gb", "1"}, {testing::kU250, "1"}},
                                      {{"kiln.dev/fpga-bitstream", "sha256:abc"}}));
  EXPECT_EQ(r.mig().at("nvidia.com/mig-1g.5gb"), 1);
  EXPECT_EQ(r.fpga().at(testing::kU250), 1);
  EXPECT_EQ(r.fpga_bitstream, "sha256:abc");
  EXPECT_EQ(r.gpus(), 0);
}

TEST(PodRequest, ReadsProductAndMemoryAnnotations) {
  auto r = parse_pod_request(
      make_pod("p", {{"nvidia.com/gpu", "1"}},
               {{"kiln.dev/gpu-product", " T4 , L4,"}, {"kiln.dev/gpu-memory-min", "16Gi"}}));
  EXPECT_EQ(r.gpu_products, (std::vector<std::string>{"T4", "L4"}));
  EXPECT_EQ(r.gpu_memory_min_mb, 16384);
}

TEST(PodRequest, MalformedMemoryAnnotationIsAClearError) {
  auto pod = make_pod("p", {{"nvidia.com/gpu", "1"}}, {{"kiln.dev/gpu-memory-min", "lots"}});
  try {
    parse_pod_request(pod);
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("kiln.dev/gpu-memory-min=\"lots\""), std::string::npos);
  }
}

TEST(PodRequest, ToleratesOddShapes) {
  nlohmann::json pod = {{"metadata", "x"}, {"spec", {{"containers", "nope"}}}};
  EXPECT_FALSE(parse_pod_request(pod).managed());
  pod = {{"spec", {{"containers", {{{"resources", {{"requests", {{"nvidia.com/gpu", "x"}}}}}}}}}}};
  EXPECT_FALSE(parse_pod_request(pod).managed());  // unparsable counts as zero
  pod = {{"spec", {{"containers", {{{"resources", {{"requests", {{"nvidia.com/gpu", 3}}}}}}}}}}};
  EXPECT_EQ(parse_pod_request(pod).gpus(), 3);
}

}  // namespace
}  // namespace kiln::scheduler
