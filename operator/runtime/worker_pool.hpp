#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "operator/runtime/metrics_registry.hpp"
#include "operator/runtime/reconcile_metrics.hpp"
#include "operator/runtime/reconcile_result.hpp"
#include "operator/runtime/work_queue.hpp"

namespace kiln::runtime {

// Reconciles one key. `stop` is requested when the pool stops (shutdown or
// lost leadership); long reconciles should give up early when it is.
// An exception counts as an error result (and is retried with backoff).
using ReconcileFunction =
    std::function<ReconcileResult(const std::string& key, std::stop_token stop)>;

struct WorkerPoolOptions {
  std::string controller;              // the `controller` label of the reconcile metrics
  int workers = 1;                     // controller-runtime's MaxConcurrentReconciles
  MetricsRegistry* metrics = nullptr;  // not owned; null = no metrics
};

// N threads that take keys from a WorkQueue, reconcile them and apply the
// result to the queue (apply_reconcile_result). The queue guarantees that no
// two workers hold the same key. The queue must outlive the pool; stop()
// shuts the queue down for good (a demoted or stopping controller exits).
class WorkerPool {
 public:
  WorkerPool(WorkQueue& queue, ReconcileFunction reconcile, WorkerPoolOptions options);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void start();
  // Requests stop of running reconciles, shuts the queue down, waits for
  // in-flight reconciles to finish and joins the workers. Idempotent. Must
  // not be called from inside a reconcile (it would wait for itself).
  void stop();

  // Takes one key and reconciles it on the calling thread; false once the
  // queue is shut down. What each worker runs in a loop.
  bool process_next_item();

 private:
  WorkQueue& queue_;
  ReconcileFunction reconcile_;
  WorkerPoolOptions options_;
  std::unique_ptr<ReconcileMetrics> metrics_;
  std::stop_source stop_;
  std::vector<std::thread> threads_;
};

}  // namespace kiln::runtime
