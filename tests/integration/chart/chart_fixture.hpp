#pragma once

// Base for the chart's cluster tests: helm (tests/cluster/build.sh's cache)
// bound to the test cluster, with its own config/cache directories, and a
// release name unique to the test's namespace.

#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/api/kiln_crd_test.hpp"

namespace kiln::testing {

// The helm binary: $HELM of the cluster's env file, else tests/cluster/build.sh's cache.
std::string helm_binary(const Cluster& cluster);

// A kubeconfig file at `path` for the cluster's server and CA with a
// TokenRequest token of the ServiceAccount namespace/name (kubectl create token).
void write_service_account_kubeconfig(const Cluster& cluster, const std::string& ns,
                                      const std::string& name, const std::string& path);

class ChartTest : public KilnCrdTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // helm --kubeconfig <cluster> --namespace <ns> args...
  CommandResult helm(const std::vector<std::string>& args) const;
  // Writes `text` to a file of the test's temporary directory; its path.
  std::string write_file(const std::string& name, const std::string& text) const;
  // `helm template` of the chart with `args`; fails the test on error.
  std::string render(const std::vector<std::string>& args) const;

  static std::string chart_dir() { return std::string(KILN_SOURCE_DIR) + "/charts/kiln"; }
  const std::string& release() const { return release_; }

  std::filesystem::path tmp_;
  std::string release_;
};

}  // namespace kiln::testing
