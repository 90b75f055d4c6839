#include "scheduler/placement_policy.hpp"

#include "scheduler/fpga_policy.hpp"
#include "scheduler/gpu_policy.hpp"
#include "scheduler/mig_policy.hpp"

namespace kiln::scheduler {

Verdict evaluate_placement(const PodRequest& request, const NodeInfo& node, const NodeUsage& usage,
                           const PolicyContext& context) {
  if (!request.managed()) return Verdict::fit(kNeutralScore);
  int total = 0;
  int policies = 0;
  auto apply = [&](const Verdict& v) {
    total += v.score;
    ++policies;
    return v.fits;
  };
  if (request.gpus() > 0) {
    auto v = evaluate_gpu(request, node, usage);
    if (!apply(v)) return v;
  }
  if (!request.mig().empty()) {
    auto v = evaluate_mig(request, node, usage);
    if (!apply(v)) return v;
  }
  if (!request.fpga().empty()) {
    auto v = evaluate_fpga(request, node, usage, context);
    if (!apply(v)) return v;
  }
  return Verdict::fit(policies == 0 ? kNeutralScore : (total + policies / 2) / policies);
}

}  // namespace kiln::scheduler
