#include "server/metrics.hpp"

#include <fmt/format.h>
#include <sys/mman.h>

#include <new>
#include <stdexcept>

namespace kiln::serve {

void SharedMetrics::record(Route route, int status, std::uint64_t elapsed_ns) {
  auto r = static_cast<int>(route);
  if (status < 100 || status >= kMaxStatus) status = 0;  // counted as status="0"
  requests[r][status].fetch_add(1, std::memory_order_relaxed);
  double seconds = static_cast<double>(elapsed_ns) / 1e9;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      latency_buckets[r][i].fetch_add(1, std::memory_order_relaxed);
      break;  // buckets are stored non-cumulative and summed when rendered
    }
  }
  latency_count[r].fetch_add(1, std::memory_order_relaxed);
  latency_sum_ns[r].fetch_add(elapsed_ns, std::memory_order_relaxed);
}

SharedMetrics* create_shared_metrics() {
  void* p = ::mmap(nullptr, sizeof(SharedMetrics), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("mmap of the shared metrics failed");
  return new (p) SharedMetrics{};
}

std::string render_prometheus(const SharedMetrics& m, int worker_count) {
  std::string out;
  out.reserve(4096);
  auto load = [](const auto& a) { return a.load(std::memory_order_relaxed); };

  out +=
      "# HELP kiln_serve_requests_total HTTP requests answered, by route and status code.\n"
      "# TYPE kiln_serve_requests_total counter\n";
  for (int r = 0; r < kRouteCount; ++r) {
    for (int s = 0; s < SharedMetrics::kMaxStatus; ++s) {
      auto v = load(m.requests[r][s]);
      if (v == 0) continue;
      fmt::format_to(std::back_inserter(out),
                     "kiln_serve_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                     route_label(static_cast<Route>(r)), s, v);
    }
  }

  out +=
      "# HELP kiln_serve_request_duration_seconds Time from a complete request to its response.\n"
      "# TYPE kiln_serve_request_duration_seconds histogram\n";
  for (int r = 0; r < kRouteCount; ++r) {
    auto count = load(m.latency_count[r]);
    if (count == 0) continue;
    auto label = route_label(static_cast<Route>(r));
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < SharedMetrics::kBuckets.size(); ++i) {
      cumulative += load(m.latency_buckets[r][i]);
      fmt::format_to(std::back_inserter(out),
                     "kiln_serve_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                     label, SharedMetrics::kBuckets[i], cumulative);
    }
    fmt::format_to(std::back_inserter(out),
                   "kiln_serve_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n"
                   "kiln_serve_request_duration_seconds_sum{{route=\"{}\"}} {}\n"
                   "kiln_serve_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                   label, count, label, static_cast<double>(load(m.latency_sum_ns[r])) / 1e9, label,
                   count);
  }

  std::int64_t in_flight = 0, connections = 0;
  for (int w = 0; w < worker_count && w < SharedMetrics::kMaxWorkers; ++w) {
    in_flight += load(m.in_flight[w]);
    connections += load(m.connections[w]);
  }
  fmt::format_to(
      std::back_inserter(out),
      "# HELP kiln_serve_requests_in_flight /score requests queued or running.\n"
      "# TYPE kiln_serve_requests_in_flight gauge\n"
      "kiln_serve_requests_in_flight {}\n"
      "# HELP kiln_serve_open_connections Open client connections.\n"
      "# TYPE kiln_serve_open_connections gauge\n"
      "kiln_serve_open_connections {}\n"
      "# HELP kiln_serve_workers Configured worker processes.\n"
      "# TYPE kiln_serve_workers gauge\n"
      "kiln_serve_workers {}\n"
      "# HELP kiln_serve_worker_starts_total Worker processes started, restarts included.\n"
      "# TYPE kiln_serve_worker_starts_total counter\n"
      "kiln_serve_worker_starts_total {}\n"
      "# HELP kiln_serve_scoring_timeouts_total run() calls that exceeded SCORING_TIMEOUT_MS.\n"
      "# TYPE kiln_serve_scoring_timeouts_total counter\n"
      "kiln_serve_scoring_timeouts_total {}\n"
      "# HELP kiln_serve_rejected_busy_total Requests refused by the concurrency limit.\n"
      "# TYPE kiln_serve_rejected_busy_total counter\n"
      "kiln_serve_rejected_busy_total {}\n",
      in_flight, connections, worker_count, load(m.worker_starts), load(m.scoring_timeouts),
      load(m.rejected_busy));
  return out;
}

}  // namespace kiln::serve
