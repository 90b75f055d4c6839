#include "operator/runtime/work_queue_metrics.hpp"

namespace kiln::runtime {
namespace {

// 10 ns .. 1000 s, as controller-runtime's workqueue histograms.
const std::vector<double>& duration_buckets() {
  static const std::vector<double> buckets = exponential_buckets(10e-9, 10, 12);
  return buckets;
}

}  // namespace

WorkQueueMetrics::WorkQueueMetrics(MetricsRegistry& registry, const std::string& name)
    : depth(registry.gauge("workqueue_depth", "Current depth of workqueue", {"name"}).with({name})),
      adds(registry
               .counter("workqueue_adds_total", "Total number of adds handled by workqueue",
                        {"name"})
               .with({name})),
      queue_duration(registry
                         .histogram("workqueue_queue_duration_seconds",
                                    "How long in seconds an item stays in workqueue before "
                                    "being requested",
                                    {"name"}, duration_buckets())
                         .with({name})),
      work_duration(registry
                        .histogram("workqueue_work_duration_seconds",
                                   "How long in seconds processing an item from workqueue takes.",
                                   {"name"}, duration_buckets())
                        .with({name})),
      retries(registry
                  .counter("workqueue_retries_total",
                           "Total number of retries handled by workqueue", {"name"})
                  .with({name})),
      unfinished_work(registry
                          .gauge("workqueue_unfinished_work_seconds",
                                 "How many seconds of work has been done that is in progress "
                                 "and hasn't been observed by work_duration. Large values "
                                 "indicate stuck threads. One can deduce the number of stuck "
                                 "threads by observing the rate at which this increases.",
                                 {"name"})
                          .with({name})),
      longest_running(registry
                          .gauge("workqueue_longest_running_processor_seconds",
                                 "How many seconds has the longest running processor for "
                                 "workqueue been running.",
                                 {"name"})
                          .with({name})) {}

}  // namespace kiln::runtime
