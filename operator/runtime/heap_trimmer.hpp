#pragma once

#include <chrono>
#include <thread>

namespace kiln::runtime {

// Hands the heap's free pages back to the OS every `period` (malloc_trim).
// glibc returns only the free space at the top of the heap by itself; what
// reconciles free in the middle (decoded objects, request bodies) stays
// resident, which at 10,000 services was 13 MB of an 88 MB RSS
// (bench/operator/isvc_to_ready.sh prints malloc's free bytes).
class HeapTrimmer {
 public:
  explicit HeapTrimmer(std::chrono::milliseconds period);
  // Stops and joins the thread.
  ~HeapTrimmer() = default;

  // One trim now; returns how many bytes of free heap it found (before).
  static std::size_t trim();

 private:
  std::jthread thread_;
};

}  // namespace kiln::runtime
