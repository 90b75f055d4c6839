#include "operator/runtime/reconcile_metrics.hpp"

namespace kiln::runtime {
namespace {

CounterFamily& totals(MetricsRegistry& r) {
  return r.counter("controller_runtime_reconcile_total",
                   "Total number of reconciliations per controller", {"controller", "result"});
}

// controller-runtime's reconcile_time_seconds buckets: fine below a second,
// coarse up to a minute.
const std::vector<double>& reconcile_time_buckets() {
  static const std::vector<double> buckets = {
      0.005, 0.01, 0.025, 0.05, 0.1,  0.15, 0.2,  0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6,
      0.7,   0.8,  0.9,   1.0,  1.25, 1.5,  1.75, 2.0,  2.5, 3.0,  3.5, 4.0,  4.5, 5,
      6,     7,    8,     9,    10,   15,   20,   25,   30,  40,   50,  60};
  return buckets;
}

}  // namespace

// Every result series exists from the start at 0, so rate() works from the
// first scrape (controller-runtime initialises them the same way).
ReconcileMetrics::ReconcileMetrics(MetricsRegistry& r, const std::string& controller)
    : success_(totals(r).with({controller, "success"})),
      error_(totals(r).with({controller, "error"})),
      requeue_(totals(r).with({controller, "requeue"})),
      requeue_after_(totals(r).with({controller, "requeue_after"})),
      errors_(r.counter("controller_runtime_reconcile_errors_total",
                        "Total number of reconciliation errors per controller", {"controller"})
                  .with({controller})),
      terminal_errors_(r.counter("controller_runtime_terminal_reconcile_errors_total",
                                 "Total number of terminal reconciliation errors per controller",
                                 {"controller"})
                           .with({controller})),
      time_(r.histogram("controller_runtime_reconcile_time_seconds",
                        "Length of time per reconciliation per controller", {"controller"},
                        reconcile_time_buckets())
                .with({controller})),
      active_workers_(r.gauge("controller_runtime_active_workers",
                              "Number of currently used workers per controller", {"controller"})
                          .with({controller})),
      max_concurrent_(r.gauge("controller_runtime_max_concurrent_reconciles",
                              "Maximum number of concurrent reconciles per controller",
                              {"controller"})
                          .with({controller})) {}

void ReconcileMetrics::record(const ReconcileResult& result, Clock::duration elapsed) {
  const auto label = result_label(result);
  if (label == "success") {
    success_.inc();
  } else if (label == "requeue") {
    requeue_.inc();
  } else if (label == "requeue_after") {
    requeue_after_.inc();
  } else {
    error_.inc();
    errors_.inc();
    if (result.kind() == ReconcileResult::Kind::terminal_error) terminal_errors_.inc();
  }
  time_.observe(std::chrono::duration<double>(elapsed).count());
}

}  // namespace kiln::runtime
