#pragma once

#include "scheduler/node_info.hpp"
#include "scheduler/node_usage.hpp"
#include "scheduler/pod_request.hpp"
#include "scheduler/verdict.hpp"

namespace kiln::scheduler {

inline constexpr int kBitstreamLoadedScore = kMaxScore;
inline constexpr int kCompatibleShellScore = kMaxScore / 2;

// FPGAs: the resource name is the device plugin's shell (amd.com/<shell>-<timestamp>,
// xilinx.com/fpga-..., fpga.intel.com/af-... / region-<interfaceId>); a node is
// compatible when it advertises that exact shell, and fits when enough of its
// devices are free. A pod naming a bitstream (kiln.dev/fpga-bitstream) scores
// kBitstreamLoadedScore on nodes that hold it (node annotation
// kiln.dev/fpga-bitstreams, or a pod with it running there now or finished
// within context.bitstream_memory), kCompatibleShellScore elsewhere, which
// spares a reprogramming. Without a bitstream, nodes are bin-packed.
// Call only for pods with a non-empty request.fpga().
Verdict evaluate_fpga(const PodRequest& request, const NodeInfo& node, const NodeUsage& usage,
                      const PolicyContext& context);

// Whether the node is known to hold the bitstream.
bool holds_bitstream(const NodeInfo& node, const NodeUsage& usage, const std::string& bitstream,
                     const PolicyContext& context);

}  // namespace kiln::scheduler
