#pragma once

// The resource metrics pipeline the real HPA controller reads, on KWOK:
// a node of its own (tainted kiln.dev/metrics-node, so only pods that ask land
// on it), a second KWOK process that manages only that node and serves its
// kubelet /metrics/resource endpoint from the usage a ClusterResourceUsage
// sets, metrics-server (built from its Go module by tests/cluster/build.sh)
// scraping it, registered as v1beta1.metrics.k8s.io through an ExternalName
// Service to 127.0.0.1. Nothing is faked: kube-controller-manager's HPA
// controller reads metrics.k8s.io as it would on a real cluster.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/command.hpp"

namespace kiln::testing {

class MetricsPipeline {
 public:
  using Kubectl = std::function<CommandResult(const std::vector<std::string>&, const std::string&)>;

  // `ns` holds the ExternalName Service; `node` is the node created for it.
  MetricsPipeline(std::string cluster_dir, std::string kubeconfig, std::string ns, std::string node,
                  Kubectl kubectl);
  ~MetricsPipeline();
  MetricsPipeline(const MetricsPipeline&) = delete;
  MetricsPipeline& operator=(const MetricsPipeline&) = delete;

  // Starts everything and waits until metrics.k8s.io answers for the node;
  // an empty string on success, else what failed (with the processes' logs).
  std::string start();

  // Sets every container's emulated usage in the namespace `pods_ns`.
  std::string set_usage(const std::string& pods_ns, const std::string& cpu,
                        const std::string& memory);

  // The node's labels/taint for an InferenceService to land on it.
  static constexpr const char* kNodeLabel = "kiln.dev/metrics-node";
  const std::string& node() const { return node_; }
  std::string logs() const;

 private:
  CommandResult run(const std::vector<std::string>& args, const std::string& input = "") const {
    return kubectl_(args, input);
  }

  std::string cluster_dir_, kubeconfig_, ns_, node_, work_;
  Kubectl kubectl_;
  std::unique_ptr<ChildProcess> kwok_, metrics_server_;
  std::vector<std::string> usages_;
  bool registered_ = false;
};

}  // namespace kiln::testing
