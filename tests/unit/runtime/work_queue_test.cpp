#include "operator/runtime/work_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

#include "operator/runtime/prometheus_text.hpp"

namespace kiln::runtime {
namespace {

using namespace std::chrono_literals;

class WorkQueueTest : public ::testing::Test {
 protected:
  std::unique_ptr<WorkQueue> make_queue(std::unique_ptr<RateLimiter> limiter = nullptr) {
    WorkQueueOptions options;
    options.name = "test";
    options.clock = clock;
    options.rate_limiter = std::move(limiter);
    options.metrics = &registry;
    return std::make_unique<WorkQueue>(std::move(options));
  }

  double counter(const std::string& name) {
    return registry.counter(name, "", {"name"}).with({"test"}).value();
  }
  double depth() { return registry.gauge("workqueue_depth", "", {"name"}).with({"test"}).value(); }
  HistogramSnapshot histogram(const std::string& name) {
    return registry.histogram(name, "", {"name"}, exponential_buckets(10e-9, 10, 12))
        .with({"test"})
        .snapshot();
  }

  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  MetricsRegistry registry;
};

TEST_F(WorkQueueTest, AddingAQueuedKeyAgainKeepsOneEntry) {
  auto queue = make_queue();
  queue->add("ns/a");
  queue->add("ns/a");
  queue->add("ns/b");
  EXPECT_EQ(queue->len(), 2u);
  EXPECT_EQ(counter("workqueue_adds_total"), 2);
  EXPECT_EQ(queue->get(), "ns/a");
  EXPECT_EQ(queue->get(), "ns/b");
  EXPECT_EQ(queue->len(), 0u);
}

TEST_F(WorkQueueTest, ReadyKeysComeOutInDueOrder) {
  auto queue = make_queue();
  queue->add_after("ns/late", 3s);
  queue->add_after("ns/early", 1s);
  queue->add("ns/now");
  clock->advance(5s);
  EXPECT_EQ(queue->get(), "ns/now");
  EXPECT_EQ(queue->get(), "ns/early");
  EXPECT_EQ(queue->get(), "ns/late");
}

TEST_F(WorkQueueTest, DelayedKeyIsNotReadyBeforeItsDueTime) {
  auto queue = make_queue();
  queue->add_after("ns/a", 10s);
  EXPECT_EQ(queue->len(), 1u);
  EXPECT_EQ(queue->ready_len(), 0u);
  clock->advance(9s);
  EXPECT_EQ(queue->ready_len(), 0u);
  clock->advance(1s);
  EXPECT_EQ(queue->ready_len(), 1u);
  EXPECT_EQ(depth(), 1);
}

TEST_F(WorkQueueTest, ReAddingKeepsTheEarliestDueTime) {
  auto queue = make_queue();
  queue->add_after("ns/a", 10s);
  queue->add_after("ns/a", 2s);
  queue->add_after("ns/a", 30s);  // later: ignored
  clock->advance(2s);
  EXPECT_EQ(queue->ready_len(), 1u);
  EXPECT_EQ(queue->get(), "ns/a");
  EXPECT_EQ(queue->len(), 0u);

  queue->add("ns/b");
  queue->add_after("ns/b", 5s);  // already ready: stays ready
  EXPECT_EQ(queue->ready_len(), 1u);
}

TEST_F(WorkQueueTest, BlockedGetterWakesAtTheDueTime) {
  auto queue = make_queue();
  queue->add_after("ns/a", 5s);
  std::optional<std::string> got;
  std::thread getter([&] { got = queue->get(); });
  clock->await_waiters(1, /*with_deadline=*/true);
  clock->advance(5s);
  getter.join();
  EXPECT_EQ(got, "ns/a");
}

TEST_F(WorkQueueTest, EarlierAddShortensABlockedGettersWait) {
  auto queue = make_queue();
  queue->add_after("ns/a", 1h);
  std::optional<std::string> got;
  std::thread getter([&] { got = queue->get(); });
  clock->await_waiters(1, true);
  queue->add_after("ns/b", 1s);
  clock->advance(1s);
  getter.join();
  EXPECT_EQ(got, "ns/b");
}

// Two idle workers; a delayed key shortens one's wait, then a ready key takes
// a worker away. Whichever worker the ready key woke, the one left waiting
// must wake at the delayed key's due time (not at its older, later deadline).
TEST_F(WorkQueueTest, DelayedKeyFiresOnTimeWhenTheWorkerThatSawItTakesAnother) {
  for (int round = 0; round < 20; ++round) {
    auto queue = make_queue();
    std::promise<std::string> first, second;
    auto f1 = first.get_future(), f2 = second.get_future();
    std::thread w1([&] { first.set_value(queue->get().value_or("")); });
    std::thread w2([&] { second.set_value(queue->get().value_or("")); });
    clock->await_waiters(2);
    queue->add_after("delayed", 1s);
    clock->await_waiters(1, /*with_deadline=*/true);  // someone now waits for +1 s
    queue->add("ready");
    // One worker takes "ready"; the other must be waiting for "delayed".
    auto is_ready = [](std::future<std::string>& f) {
      return f.wait_for(0s) == std::future_status::ready;
    };
    for (int i = 0; i < 500 && !is_ready(f1) && !is_ready(f2); ++i)
      std::this_thread::sleep_for(10ms);
    auto [taken, other] = is_ready(f1) ? std::tie(f1, f2) : std::tie(f2, f1);
    ASSERT_TRUE(is_ready(taken)) << round;
    EXPECT_EQ(taken.get(), "ready");
    clock->await_waiters(1);
    clock->advance(1s);
    const bool on_time = other.wait_for(2s) == std::future_status::ready;
    queue->shut_down();  // releases a worker that slept through the due time
    w1.join();
    w2.join();
    ASSERT_TRUE(on_time) << "round " << round << ": the delayed key did not fire at its due time";
    EXPECT_EQ(other.get(), "delayed");
  }
}

TEST_F(WorkQueueTest, KeyIsNotHandedOutTwiceWhileProcessing) {
  auto queue = make_queue();
  queue->add("ns/a");
  ASSERT_EQ(queue->get(), "ns/a");
  queue->add("ns/a");  // re-added while a worker holds it
  EXPECT_EQ(queue->len(), 1u);

  std::optional<std::string> got;
  std::thread second_worker([&] { got = queue->get(); });
  // The second worker blocks with no deadline: the only key is busy.
  clock->await_waiters(1);
  EXPECT_FALSE(got.has_value());
  queue->done("ns/a");
  second_worker.join();
  EXPECT_EQ(got, "ns/a");
}

TEST_F(WorkQueueTest, OtherKeysAreServedWhileOneIsBusy) {
  auto queue = make_queue();
  queue->add("ns/a");
  ASSERT_EQ(queue->get(), "ns/a");
  queue->add("ns/a");
  queue->add("ns/b");
  EXPECT_EQ(queue->get(), "ns/b");
}

TEST_F(WorkQueueTest, RateLimitedAddsBackOffExponentiallyPerKey) {
  auto queue = make_queue(std::make_unique<ItemExponentialFailureRateLimiter>(5ms, 1000s));
  queue->add_rate_limited("ns/a");  // 5 ms
  EXPECT_EQ(queue->num_requeues("ns/a"), 1);
  clock->advance(4ms);
  EXPECT_EQ(queue->ready_len(), 0u);
  clock->advance(1ms);
  ASSERT_EQ(queue->get(), "ns/a");
  queue->done("ns/a");

  queue->add_rate_limited("ns/a");  // 10 ms
  clock->advance(9ms);
  EXPECT_EQ(queue->ready_len(), 0u);
  clock->advance(1ms);
  EXPECT_EQ(queue->ready_len(), 1u);
  EXPECT_EQ(counter("workqueue_retries_total"), 2);

  ASSERT_EQ(queue->get(), "ns/a");
  queue->done("ns/a");
  queue->forget("ns/a");
  EXPECT_EQ(queue->num_requeues("ns/a"), 0);
  queue->add_rate_limited("ns/a");  // back to 5 ms
  clock->advance(5ms);
  EXPECT_EQ(queue->ready_len(), 1u);
}

TEST_F(WorkQueueTest, ShutDownWakesBlockedGettersAndDropsLaterAdds) {
  auto queue = make_queue();
  std::vector<std::optional<std::string>> got(2, std::string("unset"));
  std::thread a([&] { got[0] = queue->get(); });
  std::thread b([&] { got[1] = queue->get(); });
  clock->await_waiters(2);
  queue->shut_down();
  a.join();
  b.join();
  EXPECT_EQ(got[0], std::nullopt);
  EXPECT_EQ(got[1], std::nullopt);
  EXPECT_TRUE(queue->shutting_down());
  queue->add("ns/a");
  queue->add_rate_limited("ns/a");
  EXPECT_EQ(queue->len(), 0u);
  EXPECT_EQ(queue->num_requeues("ns/a"), 0);
  EXPECT_EQ(queue->get(), std::nullopt);
}

TEST_F(WorkQueueTest, ShutDownWithDrainWaitsForInFlightKeys) {
  auto queue = make_queue();
  queue->add("ns/a");
  ASSERT_EQ(queue->get(), "ns/a");

  std::optional<std::string> blocked_get = std::string("unset");
  std::thread getter([&] { blocked_get = queue->get(); });
  clock->await_waiters(1);

  std::atomic<bool> drained{false};
  std::size_t processing_when_drained = 99;
  std::thread drainer([&] {
    queue->shut_down_with_drain();
    processing_when_drained = queue->processing_len();
    drained = true;
  });
  // The blocked getter returns only once shutdown has begun; the drainer sets
  // the flag and starts waiting in the same critical section.
  getter.join();
  EXPECT_EQ(blocked_get, std::nullopt);
  EXPECT_FALSE(drained.load());  // "ns/a" is still being processed

  queue->done("ns/a");
  drainer.join();
  EXPECT_TRUE(drained.load());
  EXPECT_EQ(processing_when_drained, 0u);
}

TEST_F(WorkQueueTest, RecordsQueueAndWorkDurations) {
  auto queue = make_queue();
  queue->add("ns/a");
  clock->advance(2s);
  ASSERT_EQ(queue->get(), "ns/a");
  clock->advance(500ms);
  queue->done("ns/a");

  queue->add_after("ns/b", 10s);  // waiting time before due does not count
  clock->advance(11s);
  ASSERT_EQ(queue->get(), "ns/b");
  queue->done("ns/b");

  const auto queued = histogram("workqueue_queue_duration_seconds");
  EXPECT_EQ(queued.count, 2u);
  EXPECT_DOUBLE_EQ(queued.sum, 3.0);
  const auto work = histogram("workqueue_work_duration_seconds");
  EXPECT_EQ(work.count, 2u);
  EXPECT_DOUBLE_EQ(work.sum, 0.5);
  EXPECT_EQ(depth(), 0);

  const std::string text = render_prometheus_text(registry);
  EXPECT_NE(text.find("workqueue_adds_total{name=\"test\"} 2\n"), std::string::npos) << text;
}

TEST_F(WorkQueueTest, HigherPriorityReadyKeysGoFirst) {
  auto queue = make_queue();
  queue->add_with_options("ns/initial-1", {.priority = kLowPriority});
  queue->add_with_options("ns/initial-2", {.priority = kLowPriority});
  queue->add("ns/changed");
  queue->add_with_options("ns/urgent", {.priority = 10});
  EXPECT_EQ(queue->get(), "ns/urgent");
  EXPECT_EQ(queue->get(), "ns/changed");
  EXPECT_EQ(queue->get(), "ns/initial-1");
  EXPECT_EQ(queue->get(), "ns/initial-2");
}

TEST_F(WorkQueueTest, ReAddingKeepsTheHigherPriority) {
  auto queue = make_queue();
  queue->add_with_options("ns/a", {.priority = kLowPriority});
  queue->add("ns/b");
  queue->add("ns/a");  // a real change to an object first seen in the initial list
  queue->add_with_options("ns/a", {.priority = kLowPriority});  // does not lower it again
  EXPECT_EQ(queue->len(), 2u);
  EXPECT_EQ(queue->get(), "ns/a");  // priority 0, and due before ns/b
  EXPECT_EQ(queue->get(), "ns/b");
}

TEST_F(WorkQueueTest, PriorityDoesNotMakeADelayedKeyReadyEarly) {
  auto queue = make_queue();
  queue->add_with_options("ns/later", {.after = 5s, .priority = 100});
  queue->add("ns/now");
  EXPECT_EQ(queue->get(), "ns/now");
  EXPECT_EQ(queue->ready_len(), 0u);
  clock->advance(5s);
  EXPECT_EQ(queue->get(), "ns/later");
}

TEST_F(WorkQueueTest, RateLimitedOptionTakesTheLongerOfBackoffAndAfter) {
  auto queue = make_queue(std::make_unique<ItemExponentialFailureRateLimiter>(5ms, 1000s));
  queue->add_with_options("ns/a", {.after = 1s, .rate_limited = true});
  EXPECT_EQ(queue->num_requeues("ns/a"), 1);
  clock->advance(999ms);
  EXPECT_EQ(queue->ready_len(), 0u);
  clock->advance(1ms);
  EXPECT_EQ(queue->ready_len(), 1u);
}

TEST_F(WorkQueueTest, InFlightWorkIsReportedWhenScraped) {
  auto queue = make_queue();
  queue->add("ns/a");
  queue->add("ns/b");
  ASSERT_EQ(queue->get(), "ns/a");
  clock->advance(3s);
  ASSERT_EQ(queue->get(), "ns/b");
  clock->advance(1s);
  const std::string text = render_prometheus_text(registry);
  EXPECT_NE(text.find("workqueue_unfinished_work_seconds{name=\"test\"} 5\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("workqueue_longest_running_processor_seconds{name=\"test\"} 4\n"),
            std::string::npos);
  queue->done("ns/a");
  queue->done("ns/b");
  EXPECT_NE(
      render_prometheus_text(registry).find("workqueue_unfinished_work_seconds{name=\"test\"} 0\n"),
      std::string::npos);
}

TEST_F(WorkQueueTest, ADestroyedQueueNoLongerCollects) {
  auto queue = make_queue();
  queue->add("ns/a");
  ASSERT_EQ(queue->get(), "ns/a");
  queue->done("ns/a");
  queue.reset();
  EXPECT_NO_THROW(render_prometheus_text(registry));  // would touch a dead queue otherwise
}

TEST_F(WorkQueueTest, ConcurrentWorkersNeverShareAKey) {
  auto queue = make_queue();
  constexpr int kWorkers = 4;
  constexpr int kKeys = 8;
  constexpr int kAdds = 2000;
  std::mutex mutex;
  std::set<std::string> in_flight;
  std::atomic<int> overlaps{0};
  std::atomic<int> processed{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      while (auto key = queue->get()) {
        {
          std::lock_guard guard(mutex);
          if (!in_flight.insert(*key).second) ++overlaps;
        }
        std::this_thread::yield();
        {
          std::lock_guard guard(mutex);
          in_flight.erase(*key);
        }
        ++processed;
        queue->done(*key);
      }
    });
  }
  for (int i = 0; i < kAdds; ++i) queue->add("ns/k" + std::to_string(i % kKeys));
  // Every add is followed by processing eventually; wait for the queue to empty
  // by waiting until all workers are blocked on an empty queue.
  clock->await_waiters(kWorkers);
  while (queue->len() > 0 || queue->processing_len() > 0) clock->await_waiters(kWorkers);
  queue->shut_down_with_drain();
  for (auto& t : workers) t.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_GE(processed.load(), kKeys);
  EXPECT_LE(processed.load(), kAdds);
}

}  // namespace
}  // namespace kiln::runtime
