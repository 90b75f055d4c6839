#pragma once

#include <string_view>

namespace kiln::scheduler {

// Resource, label and annotation names the extender reads (see
// ../shared/ARCHITECTURE.md, "Scheduler extender API").
inline constexpr std::string_view kGpuResource = "nvidia.com/gpu";
inline constexpr std::string_view kMigResourcePrefix = "nvidia.com/mig-";
inline constexpr std::string_view kGpuProductLabel = "nvidia.com/gpu.product";
inline constexpr std::string_view kGpuMemoryLabel = "nvidia.com/gpu.memory";  // MB

inline constexpr std::string_view kGpuProductAnnotation = "kiln.dev/gpu-product";
inline constexpr std::string_view kGpuMemoryMinAnnotation = "kiln.dev/gpu-memory-min";
inline constexpr std::string_view kFpgaBitstreamAnnotation = "kiln.dev/fpga-bitstream";
inline constexpr std::string_view kNodeBitstreamsAnnotation = "kiln.dev/fpga-bitstreams";

// True for the FPGA device-plugin resources: amd.com/<shell>-<timestamp>,
// xilinx.com/fpga-..., fpga.intel.com/af-... and fpga.intel.com/region-....
bool is_fpga_resource(std::string_view name);
bool is_mig_resource(std::string_view name);
// Every resource the extender accounts for (GPU, MIG, FPGA).
bool is_accelerator_resource(std::string_view name);

}  // namespace kiln::scheduler
