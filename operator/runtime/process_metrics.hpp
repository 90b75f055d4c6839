#pragma once

#include "operator/runtime/metrics_registry.hpp"

namespace kiln::runtime {

// The process's own memory and CPU, set when scraped:
//   process_resident_memory_bytes   RSS, from /proc/self/statm
//   process_cpu_seconds_total       user + system CPU time
//   kiln_malloc_in_use_bytes        bytes malloc has handed out and not had back
//   kiln_malloc_free_bytes          bytes malloc holds free (not returned to the OS)
// RSS well above in-use + free-but-touched says the rest is code, stacks and
// mappings; free bytes far above in-use say the heap is fragmented.
class ProcessMetrics {
 public:
  explicit ProcessMetrics(MetricsRegistry& registry);
  ~ProcessMetrics();
  ProcessMetrics(const ProcessMetrics&) = delete;
  ProcessMetrics& operator=(const ProcessMetrics&) = delete;

 private:
  void update();

  MetricsRegistry& registry_;
  Gauge& rss_;
  Counter& cpu_;
  Gauge& malloc_in_use_;
  Gauge& malloc_free_;
  MetricsRegistry::CollectorId collector_ = 0;
};

}  // namespace kiln::runtime
