#pragma once

#include <string>
#include <vector>

#include "tests/support/cluster_fixture.hpp"

namespace kiln::testing {

// Tests on the cluster's real node (tests/cluster/real_node.sh, started by
// `cluster.sh up --real-node`; scripts/test.sh turns it on). Skipped when the
// cluster has none.
class RealNodeTest : public ClusterTest {
 protected:
  void SetUp() override;

  const std::string& node_name() const { return cluster().var("KILN_REAL_NODE"); }
  // Debian bookworm (minbase + python3), by digest in the cluster's registry.
  const std::string& debian_image() const { return cluster().var("KILN_IMAGE_DEBIAN"); }
  const std::string& registry() const { return cluster().var("KILN_REGISTRY"); }

  // `spec` (a pod spec) placed on the real node: its toleration, a node
  // selector, and a short grace period.
  static nlohmann::json on_real_node(nlohmann::json spec);
  // A container running `script` with sh -c in the Debian image.
  nlohmann::json script_container(const std::string& name, const std::string& script) const;
  // A pod on the real node running `script` (kubectl reads JSON as YAML).
  std::string pod_manifest(const std::string& name, const std::string& script,
                           const nlohmann::json& labels = nlohmann::json::object()) const;

  // Waits until the pod is Ready; returns false (with the pod's state logged)
  // on timeout.
  bool wait_ready(const std::string& pod, std::chrono::seconds timeout = std::chrono::seconds(120));
  // `sh -c script` inside the pod's first container.
  CommandResult exec(const std::string& pod, const std::string& script) const;
  // Successful GETs of `blob` in `repository` in the registry's access log.
  int blob_fetches(const std::string& repository, const std::string& blob) const;
  // The pod's state, events and log, for failure messages.
  std::string describe(const std::string& what) const;
};

// Runs a command on the host (a thin wrapper, for readability).
CommandResult host(const std::vector<std::string>& argv);

}  // namespace kiln::testing
