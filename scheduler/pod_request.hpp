#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kiln::scheduler {

// Counts of accelerator resources (nvidia.com/gpu, nvidia.com/mig-*, FPGA
// resources), by resource name. Ordered, so reasons read the same every time.
using ResourceCounts = std::map<std::string, std::int64_t, std::less<>>;

// What a pod asks of the accelerators, read from its spec and annotations.
struct PodRequest {
  // Sets the accelerator requests (and the per-kind views below).
  void set_resources(ResourceCounts counts);
  const ResourceCounts& resources() const { return resources_; }

  // kiln.dev/gpu-product: acceptable products, any of them (comma-separated in
  // the annotation), matched case-insensitively as a substring of the node's
  // nvidia.com/gpu.product label ("T4" matches "Tesla-T4").
  std::vector<std::string> gpu_products;
  std::vector<std::string> gpu_products_lower;  // the same, lower-cased once for matching
  std::int64_t gpu_memory_min_mb = 0;           // kiln.dev/gpu-memory-min
  std::string fpga_bitstream;                   // kiln.dev/fpga-bitstream (sha256)

  std::int64_t gpus() const { return gpus_; }
  // The MIG resources asked for (nvidia.com/mig-<profile> → count).
  const ResourceCounts& mig() const { return mig_; }
  // The FPGA resources asked for (shell resource name → count).
  const ResourceCounts& fpga() const { return fpga_; }
  // A pod the extender places: it asks for at least one accelerator resource.
  bool managed() const { return !resources_.empty(); }

 private:
  ResourceCounts resources_;  // only accelerator resources, only non-zero
  std::int64_t gpus_ = 0;
  ResourceCounts mig_;
  ResourceCounts fpga_;
};

// The effective accelerator requests of a pod spec, as the scheduler counts
// them: the sum over containers, raised to any single init container's
// request; a limit stands in for a missing request (extended resources must
// have request == limit). Unparsable quantities count as zero.
ResourceCounts accelerator_requests(const nlohmann::json& pod);

// The pod's request; throws std::invalid_argument with a clear message when
// an annotation the extender reads is malformed (e.g. gpu-memory-min "lots").
PodRequest parse_pod_request(const nlohmann::json& pod);

// ASCII lower case.
std::string to_lower(std::string text);

// Annotation value or "" (tolerates missing or non-object metadata).
std::string annotation(const nlohmann::json& object, std::string_view name);

}  // namespace kiln::scheduler
