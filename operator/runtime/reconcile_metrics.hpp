#pragma once

#include <string>

#include "operator/runtime/clock.hpp"
#include "operator/runtime/metrics_registry.hpp"
#include "operator/runtime/reconcile_result.hpp"

namespace kiln::runtime {

// The per-controller series controller-runtime exposes
// (pkg/internal/controller/metrics), labelled controller=<name>.
class ReconcileMetrics {
 public:
  ReconcileMetrics(MetricsRegistry& registry, const std::string& controller);

  // Counts one reconcile by result and observes how long it took.
  void record(const ReconcileResult& result, Clock::duration elapsed);

  Gauge& active_workers() { return active_workers_; }
  Gauge& max_concurrent_reconciles() { return max_concurrent_; }

 private:
  Counter& success_;
  Counter& error_;
  Counter& requeue_;
  Counter& requeue_after_;
  Counter& errors_;
  Counter& terminal_errors_;
  Histogram& time_;
  Gauge& active_workers_;
  Gauge& max_concurrent_;
};

}  // namespace kiln::runtime
