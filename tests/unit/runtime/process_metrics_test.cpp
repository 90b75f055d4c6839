#include "operator/runtime/process_metrics.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "operator/runtime/prometheus_text.hpp"

namespace kiln::runtime {
namespace {

double value_of(const MetricsRegistry& registry, const std::string& name) {
  for (const auto& family : registry.snapshot()) {
    if (family.name == name && !family.series.empty()) return family.series.front().value;
  }
  ADD_FAILURE() << name << " not exported";
  return -1;
}

TEST(ProcessMetrics, ReportsResidentMemoryAndCpu) {
  MetricsRegistry registry;
  ProcessMetrics metrics(registry);
  EXPECT_GT(value_of(registry, "process_resident_memory_bytes"), 1 << 20);
  volatile double x = 0;
  for (int i = 0; i < 20'000'000; ++i) x = x + i;
  EXPECT_GT(value_of(registry, "process_cpu_seconds_total"), 0.0);
  EXPECT_NE(render_prometheus_text(registry).find("# TYPE process_cpu_seconds_total counter"),
            std::string::npos);
}

TEST(ProcessMetrics, MallocInUseFollowsAllocations) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan's allocator replaces malloc's; mallinfo2 does not see it";
#else
  MetricsRegistry registry;
  ProcessMetrics metrics(registry);
  const double before = value_of(registry, "kiln_malloc_in_use_bytes");
  auto block = std::make_unique<char[]>(64 << 20);
  block[0] = 1;
  const double during = value_of(registry, "kiln_malloc_in_use_bytes");
  EXPECT_GE(during - before, 64 << 20);
  block.reset();
  EXPECT_LT(value_of(registry, "kiln_malloc_in_use_bytes"), during - (32 << 20));
#endif
}

}  // namespace
}  // namespace kiln::runtime
