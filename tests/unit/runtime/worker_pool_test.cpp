#include "operator/runtime/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>

#include "operator/runtime/prometheus_text.hpp"

namespace kiln::runtime {
namespace {

using namespace std::chrono_literals;

class WorkerPoolTest : public ::testing::Test {
 protected:
  WorkerPoolTest() {
    WorkQueueOptions options;
    options.name = "model";
    options.clock = clock;
    options.metrics = &registry;
    queue = std::make_unique<WorkQueue>(std::move(options));
  }

  std::unique_ptr<WorkerPool> make_pool(ReconcileFunction fn, int workers = 1) {
    return std::make_unique<WorkerPool>(*queue, std::move(fn),
                                        WorkerPoolOptions{"model", workers, &registry});
  }

  double reconciles(const std::string& result) {
    return registry.counter("controller_runtime_reconcile_total", "", {"controller", "result"})
        .with({"model", result})
        .value();
  }
  double errors() {
    return registry.counter("controller_runtime_reconcile_errors_total", "", {"controller"})
        .with({"model"})
        .value();
  }
  std::string metrics_text() { return render_prometheus_text(registry); }

  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  MetricsRegistry registry;
  std::unique_ptr<WorkQueue> queue;
};

TEST_F(WorkerPoolTest, SuccessForgetsTheKeyAndRecordsTheReconcile) {
  std::vector<std::string> seen;
  auto pool = make_pool([&](const std::string& key, std::stop_token) {
    seen.push_back(key);
    clock->advance(250ms);  // the reconcile "takes" 250 ms
    return ReconcileResult::done();
  });
  queue->add("ns/a");
  ASSERT_TRUE(pool->process_next_item());
  EXPECT_EQ(seen, std::vector<std::string>{"ns/a"});
  EXPECT_EQ(queue->len(), 0u);
  EXPECT_EQ(reconciles("success"), 1);
  EXPECT_EQ(reconciles("error"), 0);
  const auto text = metrics_text();
  EXPECT_NE(text.find("controller_runtime_reconcile_time_seconds_sum{controller=\"model\"} 0.25"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("controller_runtime_reconcile_time_seconds_bucket{controller=\"model\","
                      "le=\"0.25\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("controller_runtime_reconcile_total{controller=\"model\",result="
                      "\"requeue_after\"} 0"),
            std::string::npos);
  EXPECT_NE(text.find("controller_runtime_max_concurrent_reconciles{controller=\"model\"} 1"),
            std::string::npos);
}

TEST_F(WorkerPoolTest, ErrorRetriesWithBackoffUntilSuccessResetsIt) {
  int calls = 0;
  auto pool = make_pool([&](const std::string&, std::stop_token) {
    return ++calls < 3 ? ReconcileResult::error("boom") : ReconcileResult::done();
  });
  queue->add("ns/a");
  ASSERT_TRUE(pool->process_next_item());  // error: back in 5 ms
  EXPECT_EQ(queue->num_requeues("ns/a"), 1);
  EXPECT_EQ(queue->ready_len(), 0u);
  clock->advance(5ms);
  ASSERT_TRUE(pool->process_next_item());  // error: back in 10 ms
  clock->advance(9ms);
  EXPECT_EQ(queue->ready_len(), 0u);
  clock->advance(1ms);
  ASSERT_TRUE(pool->process_next_item());  // success
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(queue->num_requeues("ns/a"), 0);
  EXPECT_EQ(queue->len(), 0u);
  EXPECT_EQ(reconciles("error"), 2);
  EXPECT_EQ(errors(), 2);
  EXPECT_EQ(reconciles("success"), 1);
  EXPECT_NE(metrics_text().find("workqueue_retries_total{name=\"model\"} 2"), std::string::npos);
}

TEST_F(WorkerPoolTest, RequeueAfterComesBackAfterTheDelayWithBackoffReset) {
  int calls = 0;
  auto pool = make_pool([&](const std::string&, std::stop_token) {
    ++calls;
    if (calls == 1) return ReconcileResult::error("first fails");
    return ReconcileResult::requeue_after(30s);
  });
  queue->add("ns/a");
  ASSERT_TRUE(pool->process_next_item());
  clock->advance(5ms);
  ASSERT_TRUE(pool->process_next_item());  // requeue_after 30 s
  EXPECT_EQ(queue->num_requeues("ns/a"), 0);
  clock->advance(29s);
  EXPECT_EQ(queue->ready_len(), 0u);
  clock->advance(1s);
  EXPECT_EQ(queue->ready_len(), 1u);
  EXPECT_EQ(reconciles("requeue_after"), 1);
}

TEST_F(WorkerPoolTest, RequeueIsRateLimitedWithoutCountingAsError) {
  auto pool =
      make_pool([&](const std::string&, std::stop_token) { return ReconcileResult::requeue(); });
  queue->add("ns/a");
  ASSERT_TRUE(pool->process_next_item());
  EXPECT_EQ(queue->num_requeues("ns/a"), 1);
  EXPECT_EQ(queue->len(), 1u);
  EXPECT_EQ(reconciles("requeue"), 1);
  EXPECT_EQ(errors(), 0);
}

TEST_F(WorkerPoolTest, ExceptionsAreErrorsAndTerminalErrorsAreNotRetried) {
  auto pool = make_pool([&](const std::string& key, std::stop_token) -> ReconcileResult {
    if (key == "ns/throws") throw std::runtime_error("bad input");
    return ReconcileResult::terminal_error("spec is invalid");
  });
  queue->add("ns/throws");
  ASSERT_TRUE(pool->process_next_item());
  EXPECT_EQ(queue->num_requeues("ns/throws"), 1);
  EXPECT_EQ(queue->len(), 1u);

  queue->add("ns/terminal");
  ASSERT_TRUE(pool->process_next_item());
  EXPECT_EQ(queue->len(), 1u);  // only ns/throws, waiting for its backoff
  EXPECT_EQ(queue->num_requeues("ns/terminal"), 0);
  EXPECT_EQ(errors(), 2);
  EXPECT_NE(metrics_text().find(
                "controller_runtime_terminal_reconcile_errors_total{controller=\"model\"} 1"),
            std::string::npos);
}

TEST_F(WorkerPoolTest, StopCancelsInFlightReconcilesAndWaitsForThem) {
  std::mutex mutex;
  std::condition_variable_any cv;
  bool started = false;
  bool saw_stop = false;
  auto pool = make_pool(
      [&](const std::string&, std::stop_token stop) {
        std::unique_lock lock(mutex);
        started = true;
        cv.notify_all();
        // Waits until the pool stops: a reconcile that honours cancellation.
        cv.wait(lock, stop, [] { return false; });
        saw_stop = stop.stop_requested();
        return ReconcileResult::done();
      },
      2);
  pool->start();
  queue->add("ns/a");
  {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return started; });
  }
  pool->stop();
  std::lock_guard lock(mutex);
  EXPECT_TRUE(saw_stop);  // stop() returned only after the reconcile did
  EXPECT_EQ(queue->processing_len(), 0u);
  EXPECT_TRUE(queue->shutting_down());
  EXPECT_FALSE(pool->process_next_item());
}

TEST_F(WorkerPoolTest, WorkersProcessEveryKeyAndNeverTheSameKeyConcurrently) {
  std::mutex mutex;
  std::map<std::string, int> in_flight;
  std::map<std::string, int> done_count;
  std::atomic<int> overlaps{0};
  std::condition_variable all_done;
  constexpr int kKeys = 50;
  auto pool = make_pool(
      [&](const std::string& key, std::stop_token) {
        {
          std::lock_guard guard(mutex);
          if (in_flight[key]++ > 0) ++overlaps;
        }
        std::this_thread::yield();
        std::lock_guard guard(mutex);
        --in_flight[key];
        ++done_count[key];
        if (done_count.size() == kKeys) all_done.notify_all();
        return ReconcileResult::done();
      },
      4);
  pool->start();
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < kKeys; ++i) queue->add("ns/k" + std::to_string(i));
  }
  {
    std::unique_lock lock(mutex);
    all_done.wait(lock, [&] { return done_count.size() == kKeys; });
  }
  pool->stop();
  EXPECT_EQ(overlaps.load(), 0);
  for (const auto& [key, n] : done_count) EXPECT_GE(n, 1) << key;
}

}  // namespace
}  // namespace kiln::runtime
