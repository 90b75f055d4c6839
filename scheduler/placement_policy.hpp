#pragma once

#include "scheduler/node_info.hpp"
#include "scheduler/node_usage.hpp"
#include "scheduler/pod_request.hpp"
#include "scheduler/verdict.hpp"

namespace kiln::scheduler {

// The extender's decision for one pod on one node: every policy that applies
// to what the pod asks for (GPU, MIG, FPGA) must accept the node; the score is
// the mean of their scores. Pods asking for no accelerator are not the
// extender's business: every node fits with kNeutralScore.
Verdict evaluate_placement(const PodRequest& request, const NodeInfo& node, const NodeUsage& usage,
                           const PolicyContext& context);

}  // namespace kiln::scheduler
