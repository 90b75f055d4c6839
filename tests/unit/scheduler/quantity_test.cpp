#include "scheduler/quantity.hpp"

#include <gtest/gtest.h>

#include "scheduler/resource_names.hpp"

namespace kiln::scheduler {
namespace {

TEST(Quantity, CountsAreWholeNumbers) {
  EXPECT_EQ(parse_count("4"), 4);
  EXPECT_EQ(parse_count("0"), 0);
  EXPECT_EQ(parse_count("2k"), 2000);
  EXPECT_EQ(parse_count("1Ki"), 1024);
  EXPECT_EQ(parse_count(""), std::nullopt);
  EXPECT_EQ(parse_count("1.5"), std::nullopt);
  EXPECT_EQ(parse_count("-1"), std::nullopt);
  EXPECT_EQ(parse_count("four"), std::nullopt);
  EXPECT_EQ(parse_count("k"), std::nullopt);
  EXPECT_EQ(parse_count("99999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_count("9999999999999999M"), std::nullopt);  // overflow
}

TEST(Quantity, MemoryInMegabytes) {
  EXPECT_EQ(parse_memory_mb("16000"), 16000);
  EXPECT_EQ(parse_memory_mb("16Gi"), 16384);
  EXPECT_EQ(parse_memory_mb("40G"), 40960);
  EXPECT_EQ(parse_memory_mb("500Mi"), 500);
  EXPECT_EQ(parse_memory_mb("500M"), 500);
  EXPECT_EQ(parse_memory_mb("lots"), std::nullopt);
  EXPECT_EQ(parse_memory_mb("Gi"), std::nullopt);
  EXPECT_EQ(parse_memory_mb("1.5Gi"), std::nullopt);
}

TEST(ResourceNames, AcceleratorKinds) {
  EXPECT_TRUE(is_accelerator_resource("nvidia.com/gpu"));
  EXPECT_TRUE(is_mig_resource("nvidia.com/mig-1g.5gb"));
  EXPECT_FALSE(is_mig_resource("nvidia.com/mig-"));
  EXPECT_TRUE(is_fpga_resource("amd.com/xilinx_u250_gen3x16_xdma_shell_4_1-1612906017"));
  EXPECT_TRUE(is_fpga_resource("xilinx.com/fpga-xilinx_u200_xdma_201830_2-1561465320"));
  EXPECT_TRUE(
      is_fpga_resource("fpga.intel.com/af-695.d84.aVKNtusxV3qMNmj5-qCB9thCTcSko8QT-J5DNoP5BAs"));
  EXPECT_FALSE(is_fpga_resource("amd.com/gpu"));  // ROCm GPUs, not FPGAs
  EXPECT_FALSE(is_accelerator_resource("cpu"));
  EXPECT_FALSE(is_accelerator_resource("nvidia.com/gpu.shared"));
}

}  // namespace
}  // namespace kiln::scheduler
