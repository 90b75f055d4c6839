#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scheduler/pod_request.hpp"

namespace kiln::scheduler {

// What the policies need to know about a node, digested once when the node
// arrives from the informer (so a filter over 5,000 nodes decodes nothing).
struct NodeInfo {
  std::string name;
  ResourceCounts allocatable;      // accelerator resources only
  std::string gpu_product;         // nvidia.com/gpu.product, "" if unlabelled
  std::string gpu_product_lower;   // the same, lower-cased once for matching
  std::int64_t gpu_memory_mb = 0;  // nvidia.com/gpu.memory, 0 if unlabelled
  // kiln.dev/fpga-bitstreams: bitstreams an admin or device plugin says are
  // loaded on this node's FPGAs (comma-separated sha256 list).
  std::vector<std::string> loaded_bitstreams;
};

NodeInfo parse_node_info(const nlohmann::json& node);

}  // namespace kiln::scheduler
