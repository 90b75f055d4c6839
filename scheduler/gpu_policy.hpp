#pragma once

#include "scheduler/node_info.hpp"
#include "scheduler/node_usage.hpp"
#include "scheduler/pod_request.hpp"
#include "scheduler/verdict.hpp"

namespace kiln::scheduler {

// Whole GPUs (nvidia.com/gpu): the node must have the product the pod names
// (kiln.dev/gpu-product against nvidia.com/gpu.product), at least the GPU
// memory it asks for (kiln.dev/gpu-memory-min against nvidia.com/gpu.memory)
// and enough free GPUs. Among nodes that fit, the one left with the fewest
// free GPUs scores highest (bin-packing), so large requests still find a
// whole node later. Call only for pods with request.gpus() > 0.
Verdict evaluate_gpu(const PodRequest& request, const NodeInfo& node, const NodeUsage& usage);

// Substring match of any wanted product in the node's label, both lower-cased
// (PodRequest::gpu_products, NodeInfo::gpu_product_lower).
bool gpu_product_matches(const std::vector<std::string>& wanted_lower,
                         const std::string& product_lower);

}  // namespace kiln::scheduler
