#pragma once

#include <memory>
#include <string>
#include <vector>

#include "operator/kube/informer.hpp"
#include "operator/runtime/metrics_registry.hpp"
#include "operator/runtime/work_queue.hpp"
#include "operator/runtime/worker_pool.hpp"

namespace kiln::manager {

// One controller: a work queue of reconcile keys fed by informer events, and
// workers that reconcile them. Events are queued from the moment the
// controller is built (de-duplicated per key), while workers run only between
// start() and stop(): a standby replica keeps warm caches but writes nothing.
class Controller {
 public:
  Controller(std::string name, runtime::ReconcileFunction reconcile, int workers,
             runtime::MetricsRegistry& metrics);
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  const std::string& name() const { return name_; }
  void enqueue(const std::string& key) { queue_.add(key); }
  runtime::WorkQueue& queue() { return queue_; }

  // The informers whose sync the workers wait for.
  void depends_on(kube::Informer& informer) { informers_.push_back(&informer); }
  const std::vector<kube::Informer*>& informers() const { return informers_; }

  void start() { pool_.start(); }
  // Stops taking keys and waits for reconciles in flight (they see their stop
  // token requested). Not restartable.
  void stop() { pool_.stop(); }

 private:
  std::string name_;
  runtime::WorkQueue queue_;
  runtime::WorkerPool pool_;
  std::vector<kube::Informer*> informers_;
};

}  // namespace kiln::manager
