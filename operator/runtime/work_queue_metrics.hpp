#pragma once

#include <string>

#include "operator/runtime/metrics_registry.hpp"

namespace kiln::runtime {

// The series one work queue updates, with the names controller-runtime
// exposes (pkg/metrics/workqueue.go), labelled name=<queue name>.
struct WorkQueueMetrics {
  WorkQueueMetrics(MetricsRegistry& registry, const std::string& name);

  Gauge& depth;               // keys ready to be handed out
  Counter& adds;              // keys newly queued
  Histogram& queue_duration;  // seconds from ready to handed out
  Histogram& work_duration;   // seconds from handed out to done
  Counter& retries;           // rate-limited re-adds
  Gauge& unfinished_work;     // seconds of work in flight, not yet in work_duration
  Gauge& longest_running;     // seconds the longest in-flight item has run
};

}  // namespace kiln::runtime
