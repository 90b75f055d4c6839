#include "operator/runtime/heap_trimmer.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

namespace kiln::runtime {

std::size_t HeapTrimmer::trim() {
  const std::size_t free_before = mallinfo2().fordblks;
  malloc_trim(0);
  return free_before;
}

HeapTrimmer::HeapTrimmer(std::chrono::milliseconds period)
    : thread_([period](std::stop_token stop) {
        std::mutex mu;
        std::condition_variable_any wake;
        std::unique_lock lock(mu);
        for (;;) {
          wake.wait_for(lock, stop, period, [] { return false; });  // wakes early only on stop
          if (stop.stop_requested()) return;
          const auto started = std::chrono::steady_clock::now();
          const std::size_t free_before = trim();
          spdlog::debug("heap trimmed in {} us: {} KiB were free in malloc's arenas",
                        std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count(),
                        free_before / 1024);
        }
      }) {}

}  // namespace kiln::runtime
