#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/command.hpp"

namespace kiln::testing {

// The control plane started by tests/cluster/cluster.sh, described by the
// `env` file it writes into its state directory ($KILN_CLUSTER_DIR).
struct Cluster {
  std::string dir;
  std::map<std::string, std::string> env;  // KUBECONFIG, KUBECTL, APISERVER_URL, ETCD_URL, ...

  // The running cluster; throws with a clear message when none was started.
  static const Cluster& shared();
  const std::string& var(const std::string& name) const;
};

// Base for integration tests: each test case gets a fresh namespace, deleted
// afterwards, and a kubectl bound to the cluster and that namespace.
class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  const Cluster& cluster() const { return *cluster_; }
  const std::string& ns() const { return namespace_; }

  // kubectl --kubeconfig=<cluster> -n <ns> args...
  CommandResult kubectl(const std::vector<std::string>& args, const std::string& input = "") const;
  // kubectl get ... -o json, parsed; fails the test on error.
  nlohmann::json get_json(const std::vector<std::string>& args) const;
  // kubectl apply -f - with the given manifest; fails the test on error.
  void apply(const std::string& manifest) const;

  // Installs (idempotently) the test CRD widgets.test.kiln.dev, kind Widget
  // (tests/support/widget_crd.yaml), and waits until it is served.
  void install_widget_crd() const;

  // Polls `condition` every `interval` until it holds or `timeout` passes.
  static bool eventually(const std::function<bool()>& condition,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60),
                         std::chrono::milliseconds interval = std::chrono::milliseconds(200));

 private:
  const Cluster* cluster_ = nullptr;
  std::string namespace_;
};

}  // namespace kiln::testing
