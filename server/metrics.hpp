#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "server/http/routes.hpp"

namespace kiln::serve {

// Counters shared by the supervisor and every worker process: the structure
// lives in one MAP_SHARED mapping made before the workers are forked, so
// /metrics, served by whichever worker the scrape reaches, reports the whole
// server. Only lock-free atomics, so concurrent processes may update it.
struct SharedMetrics {
  static constexpr int kMaxWorkers = 256;
  static constexpr int kMaxStatus = 600;
  static constexpr std::array<double, 16> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  std::atomic<std::uint64_t> requests[kRouteCount][kMaxStatus];
  std::atomic<std::uint64_t> latency_buckets[kRouteCount][kBuckets.size()];
  std::atomic<std::uint64_t> latency_count[kRouteCount];
  std::atomic<std::uint64_t> latency_sum_ns[kRouteCount];
  std::atomic<std::int64_t> in_flight[kMaxWorkers];    // /score requests queued or running
  std::atomic<std::int64_t> connections[kMaxWorkers];  // open connections per worker slot
  std::atomic<std::int32_t> accepting[kMaxWorkers];    // 1 while a worker accepts connections
  std::atomic<std::int32_t> ready[kMaxWorkers];        // 1 once a worker's init() has returned
  std::atomic<std::uint64_t> worker_starts;
  std::atomic<std::uint64_t> worker_exits;
  std::atomic<std::uint64_t> scoring_timeouts;
  std::atomic<std::uint64_t> rejected_busy;  // 503s from the concurrency limit

  static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

  void record(Route route, int status, std::uint64_t elapsed_ns);
};

// Maps a zeroed SharedMetrics into memory that children forked later share.
// Never unmapped: it lives as long as the process tree.
SharedMetrics* create_shared_metrics();

// Prometheus text exposition (version 0.0.4) of `m` for `worker_count` slots.
std::string render_prometheus(const SharedMetrics& m, int worker_count);

}  // namespace kiln::serve
