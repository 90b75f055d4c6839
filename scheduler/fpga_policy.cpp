#include "scheduler/fpga_policy.hpp"

#include <algorithm>

namespace kiln::scheduler {

bool holds_bitstream(const NodeInfo& node, const NodeUsage& usage, const std::string& bitstream,
                     const PolicyContext& context) {
  if (std::find(node.loaded_bitstreams.begin(), node.loaded_bitstreams.end(), bitstream) !=
      node.loaded_bitstreams.end()) {
    return true;
  }
  auto it = usage.bitstreams.find(bitstream);
  if (it == usage.bitstreams.end()) return false;
  return it->second.active_pods > 0 ||
         context.now - it->second.last_seen <= context.bitstream_memory;
}

Verdict evaluate_fpga(const PodRequest& request, const NodeInfo& node, const NodeUsage& usage,
                      const PolicyContext& context) {
  std::int64_t left_free = 0;
  for (const auto& [shell, want] : request.fpga()) {
    const std::int64_t capacity = count_of(node.allocatable, shell);
    if (capacity == 0) return Verdict::never("kiln: no FPGA with shell " + shell + " on node");
    const std::int64_t free = capacity - count_of(usage.used, shell);
    if (free < want) {
      return Verdict::busy("kiln: " + std::to_string(want) + " FPGA(s) of shell " + shell +
                           " wanted, " + std::to_string(std::max<std::int64_t>(free, 0)) + " of " +
                           std::to_string(capacity) + " free");
    }
    left_free += free - want;
  }
  if (request.fpga_bitstream.empty()) return Verdict::fit(packing_score(left_free));
  return Verdict::fit(holds_bitstream(node, usage, request.fpga_bitstream, context)
                          ? kBitstreamLoadedScore
                          : kCompatibleShellScore);
}

}  // namespace kiln::scheduler
