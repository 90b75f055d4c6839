#include "operator/runtime/process_metrics.hpp"

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

namespace kiln::runtime {
namespace {

double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long size = 0;
  long resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double cpu_seconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

ProcessMetrics::ProcessMetrics(MetricsRegistry& registry)
    : registry_(registry),
      rss_(registry.gauge("process_resident_memory_bytes", "Resident memory size in bytes.")
               .with({})),
      cpu_(registry
               .counter("process_cpu_seconds_total",
                        "Total user and system CPU time spent in seconds.")
               .with({})),
      malloc_in_use_(registry
                         .gauge("kiln_malloc_in_use_bytes",
                                "Heap bytes malloc has handed out and not had back")
                         .with({})),
      malloc_free_(registry
                       .gauge("kiln_malloc_free_bytes",
                              "Heap bytes malloc holds free, not returned to the OS")
                       .with({})) {
  collector_ = registry_.add_collector([this] { update(); });
}

ProcessMetrics::~ProcessMetrics() {
  registry_.remove_collector(collector_);
}

void ProcessMetrics::update() {
  rss_.set(resident_bytes());
  cpu_.inc(cpu_seconds() - cpu_.value());
  const struct mallinfo2 info = mallinfo2();
  malloc_in_use_.set(static_cast<double>(info.uordblks + info.hblkhd));
  malloc_free_.set(static_cast<double>(info.fordblks));
}

}  // namespace kiln::runtime
