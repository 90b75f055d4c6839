// The runtime's pieces wired together the way the manager will: a leader
// elector whose leadership starts and stops a worker pool over a work queue,
// with metrics and probes served over real loopback HTTP.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "operator/runtime/leader_elector.hpp"
#include "operator/runtime/probe_server.hpp"
#include "operator/runtime/work_queue.hpp"
#include "operator/runtime/worker_pool.hpp"
#include "tests/unit/runtime/in_memory_lease_store.hpp"

namespace kiln::runtime {
namespace {

std::pair<long, std::string> http_get(const std::string& url) {
  CURL* curl = curl_easy_init();
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(
      curl, CURLOPT_WRITEFUNCTION, +[](char* d, size_t s, size_t n, void* out) {
        static_cast<std::string*>(out)->append(d, s * n);
        return s * n;
      });
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  return {status, body};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(RuntimeAssembly, LeaderRunsTheWorkersAndEverythingShowsOnMetricsAndProbes) {
  auto clock = std::make_shared<FakeClock>();
  MetricsRegistry registry;
  testing::InMemoryLeaseStore store;

  WorkQueue queue({.name = "model", .clock = clock, .rate_limiter = nullptr, .metrics = &registry});

  std::mutex mutex;
  std::condition_variable cv;
  std::set<std::string> reconciled;
  WorkerPool pool(queue,
                  [&](const std::string& key, std::stop_token) {
                    std::lock_guard guard(mutex);
                    reconciled.insert(key);
                    cv.notify_all();
                    return ReconcileResult::requeue_after(std::chrono::minutes(10));
                  },
                  {.controller = "model", .workers = 2, .metrics = &registry});

  ProbeServer probes({.address = "127.0.0.1", .port = 0}, &registry);
  LeaseLock lock(store, "kiln-system", "kiln-operator");
  LeaderElectionConfig config{.identity = "pod-a", .jitter_factor = 0};
  std::atomic<bool> leading{false};
  LeaderElector elector(config, lock,
                        {.on_started_leading =
                             [&](std::stop_token) {
                               pool.start();
                               leading = true;
                             },
                         .on_stopped_leading = [&] { pool.stop(); },
                         .on_new_leader = {}},
                        clock, &registry);
  probes.add_readiness_check("leader-election", [&]() -> std::optional<std::string> {
    if (leading) return std::nullopt;
    return "not leading yet";
  });
  probes.start();
  const std::string base = "http://127.0.0.1:" + std::to_string(probes.port());
  EXPECT_EQ(http_get(base + "/readyz").first, 500);

  std::stop_source stop;
  LeaderElector::Outcome outcome{};
  std::thread election([&] { outcome = elector.run(stop.get_token()); });

  for (const char* key : {"ns/a", "ns/b", "ns/c"}) queue.add(key);
  {
    std::unique_lock guard(mutex);
    cv.wait(guard, [&] { return reconciled.size() == 3; });
  }
  clock->await_waiters(3);  // two idle workers and the elector's renew sleep
  EXPECT_EQ(http_get(base + "/readyz").first, 200);

  const auto [status, metrics] = http_get(base + "/metrics");
  EXPECT_EQ(status, 200);
  EXPECT_TRUE(contains(metrics, "leader_election_master_status{name=\"kiln-operator\"} 1\n"))
      << metrics;
  EXPECT_TRUE(contains(
      metrics,
      "controller_runtime_reconcile_total{controller=\"model\",result=\"requeue_after\"} 3\n"));
  EXPECT_TRUE(contains(metrics, "workqueue_adds_total{name=\"model\"} 6\n"));  // 3 + 3 requeues
  EXPECT_TRUE(contains(metrics, "workqueue_depth{name=\"model\"} 0\n"));
  EXPECT_TRUE(contains(metrics, "controller_runtime_active_workers{controller=\"model\"} 0\n"));
  EXPECT_EQ(queue.len(), 3u);  // each waiting for its 10-minute recheck

  stop.request_stop();
  election.join();
  EXPECT_EQ(outcome, LeaderElector::Outcome::stopped);
  EXPECT_TRUE(queue.shutting_down());
  EXPECT_EQ(store.spec("kiln-system", "kiln-operator")["holderIdentity"], "");
  EXPECT_TRUE(contains(http_get(base + "/metrics").second,
                       "leader_election_master_status{name=\"kiln-operator\"} 0\n"));
  probes.stop();
}

}  // namespace
}  // namespace kiln::runtime
