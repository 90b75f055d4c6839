#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "operator/kube/informer.hpp"
#include "operator/kube/rest_client.hpp"
#include "operator/manager/cache_options.hpp"
#include "operator/manager/controller.hpp"
#include "operator/manager/controller_builder.hpp"
#include "operator/manager/informer_metrics.hpp"
#include "operator/runtime/leader_elector.hpp"
#include "operator/runtime/metrics_registry.hpp"
#include "operator/runtime/probe_server.hpp"
#include "operator/runtime/process_metrics.hpp"

namespace kiln::manager {

struct LeaderElectionOptions {
  bool enabled = false;
  std::string lease_namespace = "default";
  std::string lease_name;                // required when enabled
  runtime::LeaderElectionConfig config;  // identity defaults to <hostname>_<random>
};

struct ManagerOptions {
  runtime::ProbeServerOptions probes;  // /metrics, /healthz, /readyz
  LeaderElectionOptions leader_election;
  // Only watch this namespace ("" = all namespaces).
  std::string watch_namespace;
  // How long a controller waits for its informers' first lists before the
  // manager gives up (run() returns Exit::failed, naming the informer and
  // why: forbidden, not found...), as controller-runtime's CacheSyncTimeout.
  std::chrono::seconds cache_sync_timeout{120};
  // Every controller re-queues all its objects this often (jittered by up to
  // 10%), so convergence does not depend on every event arriving
  // (controller-runtime's SyncPeriod). Zero: never.
  std::chrono::seconds sync_period{10 * 3600};
};

// Runs a set of controllers in one process (controller-runtime's manager):
// shared informers, one per resource, started on every replica so standbys
// keep warm caches; controllers' workers, started only while this replica
// leads; the probe server; and graceful shutdown that drains reconciles and
// hands the Lease over.
class Manager {
 public:
  Manager(std::shared_ptr<kube::RestClient> client, ManagerOptions options);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  kube::RestClient& client() { return *client_; }
  std::shared_ptr<kube::RestClient> client_ptr() { return client_; }
  runtime::MetricsRegistry& metrics() { return metrics_; }

  // How the informer of `resource` lists, watches and caches it (namespace,
  // selectors, transform, metadata only). Call before anything asks for that
  // informer (controller(), informer()); throws std::logic_error after.
  void set_cache_options(const kube::ResourceRef& resource, CacheOptions options);

  // The shared informer for a resource, created on first use. Add indexes
  // before run(). Thread-safe; an informer first asked for after run()
  // started is started at once (wait_for_sync() before reading its cache).
  kube::Informer& informer(const kube::ResourceRef& resource);

  ControllerBuilder controller(std::string name) {
    return ControllerBuilder(*this, std::move(name));
  }
  Controller& add_controller(ControllerSpec spec, Reconciler reconcile);

  // This replica's name: the leader election identity, and the
  // reportingInstance of the Events its controllers record.
  const std::string& identity() const { return identity_; }

  enum class Exit { stopped, lost_leadership, failed };
  // Blocks until `stop` is requested (or leadership is lost: a process that
  // lost its Lease must exit, as controller-runtime's does; or the manager
  // cannot go on: a watched resource not served, a cache that did not sync
  // within cache_sync_timeout: Exit::failed, failure() says why).
  Exit run(std::stop_token stop);
  std::string failure() const;

  // The bound probe port, once run() has started the server.
  unsigned short probe_port() const { return probes_.port(); }

 private:
  // Waits for the controller's informers; what went wrong on a timeout.
  std::optional<std::string> wait_for_caches(Controller& controller, const std::stop_token& stop);
  void run_controllers(std::stop_token leading);
  void stop_controllers();
  void resync_loop(std::stop_token stop);
  void fail(const std::string& why);

  std::vector<kube::Informer*> all_informers();

  std::shared_ptr<kube::RestClient> client_;
  ManagerOptions options_;
  std::string identity_;
  runtime::MetricsRegistry metrics_;
  runtime::ProbeServer probes_;
  std::mutex informers_mu_;
  std::map<std::string, CacheOptions> cache_options_;                 // by resource id
  std::map<std::string, std::unique_ptr<kube::Informer>> informers_;  // by resource id
  std::vector<std::unique_ptr<Controller>> controllers_;
  bool running_ = false;  // informers started; guarded by informers_mu_
  std::stop_source run_stop_;
  mutable std::mutex failure_mu_;
  std::string failure_;
  std::jthread resyncer_;
  InformerMetrics informer_metrics_;
  runtime::ProcessMetrics process_metrics_{metrics_};
  runtime::MetricsRegistry::CollectorId informer_metrics_collector_ = 0;
};

// A unique identity for leader election: <hostname>_<random hex>.
std::string default_identity();

}  // namespace kiln::manager
