#pragma once

#include <memory>
#include <string>

#include "tests/support/child_process.hpp"
#include "tests/support/cluster_fixture.hpp"

namespace kiln::testing {

// The second scheduler of the test control plane, as processes the test owns:
// kiln-scheduler-extender and the cluster's own kube-scheduler binary with the
// configuration tests/cluster/kiln_scheduler.sh renders from
// manifests/scheduler/kiln-scheduler-config.yaml. The extender can be killed
// and started again on the same port; the destructor stops both.
class KilnSchedulerProcesses {
 public:
  KilnSchedulerProcesses(const Cluster& cluster, std::string log_dir);
  ~KilnSchedulerProcesses();

  // Starts the extender (waits for /readyz: caches synced).
  void start_extender();
  void kill_extender();  // SIGKILL, as a crash
  bool extender_running();

  // The extender's /metrics text, and one sample's value (0 when absent),
  // e.g. metric("kiln_scheduler_extender_requests_total{verb=\"filter\",result=\"ok\"}").
  std::string metrics_text() const;
  double metric(const std::string& series) const;

  const std::string& extender_url() const { return url_; }
  std::string extender_log() const { return extender_ ? extender_->log() : ""; }
  std::string scheduler_log() const { return scheduler_ ? scheduler_->log() : ""; }

 private:
  const Cluster& cluster_;
  std::string log_dir_;
  unsigned short port_;
  std::string url_;
  int extender_starts_ = 0;
  std::unique_ptr<ChildProcess> extender_;
  std::unique_ptr<ChildProcess> scheduler_;
};

}  // namespace kiln::testing
