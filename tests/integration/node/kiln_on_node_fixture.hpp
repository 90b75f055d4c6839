#pragma once

// Kiln's own path on the real node: Kiln's images (packaging/images/build.sh,
// built once per cluster by the ctest `kiln_images.build`), the CRDs, and
// kiln-operator as a process configured as an admin would for this cluster:
// the node's registry, kiln-fetch and kiln-runtime by digest, kaniko as the
// builder, the node's package index, and the real node's taint tolerated by
// the Jobs it creates.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/node/real_node_fixture.hpp"
#include "tests/support/child_process.hpp"

namespace kiln::testing {

// Kiln's images in the cluster's registry: KILN_IMAGE_<NAME> -> reference by
// digest (RUNTIME, SERVE_WHEELS, FETCH, OPERATOR, SCHEDULER_EXTENDER). Read
// from $KILN_CLUSTER_DIR/kiln-images.env, built first when it is missing.
const std::map<std::string, std::string>& kiln_images();

class KilnOnNodeTest : public RealNodeTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  const std::string& image(const std::string& name) const;
  // kiln-operator watching this test's namespace (also its system namespace:
  // build Jobs run here), with `extra` flags.
  void start_operator(const std::vector<std::string>& extra = {});
  std::string operator_log() const { return operator_ ? operator_->log() : std::string(); }

  // A directory on the host served to pods as the PVC `claim` (a hostPath PV).
  // Files written there are readable by the non-root Jobs.
  void create_host_pvc(const std::string& claim, const std::string& host_dir);
  // Trains the seeds' diabetes model into `dir`/sklearn_regression_model.pkl;
  // `compressed`: the same model saved compressed (other bytes, same answers).
  void write_seed_model(const std::string& dir, bool compressed = false) const;

  // Waits until `kind/name` has condition `type` True (false, logged, on timeout).
  bool wait_condition(const std::string& kind, const std::string& name, const std::string& type,
                      std::chrono::seconds timeout);

  // POST /score through a ClusterIP from the host; the HTTP status and body.
  struct Answer {
    long status = 0;  // 0: no HTTP answer (see error)
    std::string body;
    std::string error;  // libcurl's, when the transfer failed
  };
  static Answer score(const std::string& url, const std::string& key, const std::string& body);

  std::string host_dir_;  // removed at TearDown
  std::vector<std::string> persistent_volumes_;

 private:
  std::unique_ptr<ChildProcess> operator_;
};

// The seeds' request and the numbers model.predict gives for it.
inline constexpr const char* kSeedRequest =
    R"({"data": [[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]})";

}  // namespace kiln::testing
