#pragma once

#include "scheduler/node_info.hpp"
#include "scheduler/node_usage.hpp"
#include "scheduler/pod_request.hpp"
#include "scheduler/verdict.hpp"

namespace kiln::scheduler {

// MIG slices (nvidia.com/mig-<g>g.<mem>gb): only nodes already partitioned
// for every profile the pod asks for, with enough free slices of each. Among
// them, the node left with the fewest free slices of those profiles scores
// highest, so partially used MIG GPUs fill up before fresh ones are touched.
// Call only for pods with a non-empty request.mig().
Verdict evaluate_mig(const PodRequest& request, const NodeInfo& node, const NodeUsage& usage);

}  // namespace kiln::scheduler
