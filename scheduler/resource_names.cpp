#include "scheduler/resource_names.hpp"

namespace kiln::scheduler {

bool is_fpga_resource(std::string_view name) {
  // amd.com/gpu is the ROCm GPU plugin, not an FPGA.
  if (name.starts_with("amd.com/")) return name != "amd.com/gpu";
  return name.starts_with("xilinx.com/") || name.starts_with("fpga.intel.com/");
}

bool is_mig_resource(std::string_view name) {
  return name.starts_with(kMigResourcePrefix) && name.size() > kMigResourcePrefix.size();
}

bool is_accelerator_resource(std::string_view name) {
  return name == kGpuResource || is_mig_resource(name) || is_fpga_resource(name);
}

}  // namespace kiln::scheduler
