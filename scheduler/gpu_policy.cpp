#include "scheduler/gpu_policy.hpp"

#include <algorithm>
#include <cctype>

#include "scheduler/resource_names.hpp"

namespace kiln::scheduler {
namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : " or ") + i;
  return out;
}

}  // namespace

bool gpu_product_matches(const std::vector<std::string>& wanted_lower,
                         const std::string& product_lower) {
  return std::any_of(wanted_lower.begin(), wanted_lower.end(), [&](const std::string& w) {
    return !w.empty() && product_lower.find(w) != std::string::npos;
  });
}

Verdict evaluate_gpu(const PodRequest& request, const NodeInfo& node, const NodeUsage& usage) {
  const std::int64_t want = request.gpus();
  const std::int64_t capacity = count_of(node.allocatable, kGpuResource);
  if (capacity == 0) return Verdict::never("kiln: node has no nvidia.com/gpu");
  if (!request.gpu_products.empty()) {
    if (node.gpu_product.empty()) {
      return Verdict::never("kiln: node has no nvidia.com/gpu.product label, pod wants " +
                            joined(request.gpu_products));
    }
    if (!gpu_product_matches(request.gpu_products_lower, node.gpu_product_lower)) {
      return Verdict::never("kiln: GPU " + node.gpu_product + " is not " +
                            joined(request.gpu_products));
    }
  }
  if (request.gpu_memory_min_mb > 0) {
    if (node.gpu_memory_mb == 0) {
      return Verdict::never("kiln: node has no nvidia.com/gpu.memory label, pod wants " +
                            std::to_string(request.gpu_memory_min_mb) + " MB per GPU");
    }
    if (node.gpu_memory_mb < request.gpu_memory_min_mb) {
      return Verdict::never("kiln: GPU memory " + std::to_string(node.gpu_memory_mb) + " MB < " +
                            std::to_string(request.gpu_memory_min_mb) + " MB wanted");
    }
  }
  const std::int64_t free = capacity - count_of(usage.used, kGpuResource);
  if (free < want) {
    return Verdict::busy("kiln: " + std::to_string(want) + " GPU(s) wanted, " +
                         std::to_string(std::max<std::int64_t>(free, 0)) + " of " +
                         std::to_string(capacity) + " free");
  }
  return Verdict::fit(packing_score(free - want));
}

}  // namespace kiln::scheduler
