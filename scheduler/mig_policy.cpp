#include "scheduler/mig_policy.hpp"

#include <algorithm>

namespace kiln::scheduler {

Verdict evaluate_mig(const PodRequest& request, const NodeInfo& node, const NodeUsage& usage) {
  std::int64_t left_free = 0;
  for (const auto& [profile, want] : request.mig()) {
    const std::int64_t capacity = count_of(node.allocatable, profile);
    if (capacity == 0) return Verdict::never("kiln: node is not partitioned for " + profile);
    const std::int64_t free = capacity - count_of(usage.used, profile);
    if (free < want) {
      return Verdict::busy("kiln: " + std::to_string(want) + " " + profile + " wanted, " +
                           std::to_string(std::max<std::int64_t>(free, 0)) + " of " +
                           std::to_string(capacity) + " free");
    }
    left_free += free - want;
  }
  return Verdict::fit(packing_score(left_free));
}

}  // namespace kiln::scheduler
