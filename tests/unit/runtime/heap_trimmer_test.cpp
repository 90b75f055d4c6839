#include "operator/runtime/heap_trimmer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <vector>

namespace kiln::runtime {
namespace {

// Freed blocks below a block still in use stay resident until trimmed.
TEST(HeapTrimmer, TrimReturnsFreePagesBelowTheTopOfTheHeap) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan's allocator replaces malloc's; malloc_trim does not see it";
#else
  auto resident_kib = [] {
    std::ifstream statm("/proc/self/statm");
    long size = 0, resident = 0;
    statm >> size >> resident;
    return resident * sysconf(_SC_PAGESIZE) / 1024;
  };
  std::vector<std::unique_ptr<char[]> > blocks;
  for (int i = 0; i < 100'000; ++i) {
    blocks.push_back(std::make_unique<char[]>(400));  // below the mmap threshold: heap
    blocks.back()[0] = 1;
  }
  auto pin = std::make_unique<char[]>(400);  // keeps the heap's top in use
  pin[0] = 1;
  blocks.clear();  // ~40 MB free in the middle
  const long before = resident_kib();
  EXPECT_GT(HeapTrimmer::trim(), 30u << 20);
  const long after = resident_kib();
  EXPECT_LT(after, before - 20 * 1024) << "before " << before << " KiB, after " << after << " KiB";
#endif
}

TEST(HeapTrimmer, DestructionStopsAtOnceWhateverThePeriod) {
  const auto started = std::chrono::steady_clock::now();
  { HeapTrimmer trimmer(std::chrono::hours(1)); }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

}  // namespace
}  // namespace kiln::runtime
