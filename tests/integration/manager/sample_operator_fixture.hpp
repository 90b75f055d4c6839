#pragma once

#include <memory>
#include <string>
#include <vector>

#include "operator/kube/rest_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/cluster_fixture.hpp"

namespace kiln::testing {

inline const kube::ResourceRef kWidgets{"test.kiln.dev", "v1", "widgets", "Widget", true};

// A running sample_operator process and what the tests ask of it.
struct OperatorReplica {
  std::unique_ptr<ChildProcess> process;
  unsigned short probe_port = 0;

  // GET /metrics (empty when the process does not answer).
  std::string metrics() const;
  // The sum of a metric's samples whose label set contains `labels`
  // (e.g. `controller="widget"`); 0 when absent.
  double metric(const std::string& name, const std::string& labels = "") const;
  bool ready() const;
};

// Integration tests that run sample_operator replicas against the cluster,
// with the Widget CRD installed and a REST client for the test's own calls.
class SampleOperatorTest : public ClusterTest {
 protected:
  void SetUp() override;

  // `kubeconfig` empty: the cluster's.
  OperatorReplica start_replica(const std::vector<std::string>& extra_args, const std::string& name,
                                const std::string& kubeconfig = "");
  // A Widget in the test namespace with the given spec.data.
  nlohmann::json widget(const std::string& name, const nlohmann::json& data) const;

  std::shared_ptr<kube::RestClient> client_;
};

}  // namespace kiln::testing
