#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace kiln::scheduler::testing {

// A Node as GPU Feature Discovery and device plugins leave it.
nlohmann::json make_node(const std::string& name,
                         const std::map<std::string, std::string>& allocatable,
                         const std::map<std::string, std::string>& labels = {},
                         const std::map<std::string, std::string>& annotations = {});

// A Pod with one container requesting `resources` (as requests and limits).
nlohmann::json make_pod(const std::string& name,
                        const std::map<std::string, std::string>& resources,
                        const std::map<std::string, std::string>& annotations = {},
                        const std::string& node_name = "", const std::string& phase = "Pending");

nlohmann::json a100_node(const std::string& name);  // 4 × NVIDIA-A100-SXM4-40GB
nlohmann::json t4_node(const std::string& name);    // 2 × Tesla-T4
nlohmann::json mig_node(const std::string& name);   // 7 × nvidia.com/mig-1g.5gb

inline const std::string kU250 = "amd.com/xilinx_u250_gen3x16_xdma_shell_4_1-1612906017";
nlohmann::json fpga_node(const std::string& name, const std::string& bitstreams = "");  // 2 × U250

}  // namespace kiln::scheduler::testing
