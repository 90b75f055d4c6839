#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "operator/runtime/clock.hpp"
#include "operator/runtime/metrics_registry.hpp"
#include "operator/runtime/rate_limiter.hpp"
#include "operator/runtime/work_queue_metrics.hpp"

namespace kiln::runtime {

// Priority of keys from an informer's initial list (controller-runtime's
// handler.LowPriority): at startup, real changes go before the bulk re-check.
inline constexpr int kLowPriority = -100;

struct AddOptions {
  Clock::duration after = Clock::duration::zero();  // due time from now
  bool rate_limited = false;  // add the rate limiter's delay (counts as a retry)
  int priority = 0;           // higher first among ready keys
};

struct WorkQueueOptions {
  std::string name;                           // the `name` label of the workqueue_* metrics
  std::shared_ptr<Clock> clock;               // default: the system clock
  std::unique_ptr<RateLimiter> rate_limiter;  // default: default_controller_rate_limiter()
  MetricsRegistry* metrics = nullptr;  // not owned; must outlive the queue; null = no metrics
};

// A rate-limited, delaying work queue of reconcile keys ("namespace/name"),
// after controller-runtime's priorityqueue and client-go's workqueue:
//  - one entry per key: adding a key that is already queued does not
//    duplicate it, and the entry keeps the earlier of the two due times;
//  - a key handed out by get() is not handed out again until done(key); if it
//    was re-added meanwhile it becomes eligible again at done();
//  - ready keys are handed out highest priority first, then oldest due time;
//    re-adding keeps the higher priority;
//  - add_rate_limited() delays a key by its rate limiter (per-key exponential
//    backoff and an overall token bucket); forget() resets the key's backoff.
// Thread-safe.
class WorkQueue {
 public:
  explicit WorkQueue(WorkQueueOptions options);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void add_with_options(const std::string& key, const AddOptions& options);
  void add(const std::string& key);
  void add_after(const std::string& key, Clock::duration delay);
  void add_rate_limited(const std::string& key);
  void forget(const std::string& key);
  int num_requeues(const std::string& key) const;

  // Blocks until a key is ready and not being processed, and hands it out.
  // Returns nullopt once the queue is shutting down; keys still queued then
  // are dropped (a stopping controller starts no new reconciles).
  std::optional<std::string> get();
  // Marks a key handed out by get() as finished.
  void done(const std::string& key);

  // Keys queued (ready or waiting for their due time), excluding keys that
  // are only being processed.
  std::size_t len() const;
  // Keys queued whose due time has passed.
  std::size_t ready_len();
  std::size_t processing_len() const;

  // Wakes every blocked get() (which returns nullopt) and ignores later adds.
  void shut_down();
  // shut_down(), then waits until every handed-out key is done().
  void shut_down_with_drain();
  bool shutting_down() const;

  const std::string& name() const { return name_; }
  Clock& clock() const { return *clock_; }

 private:
  // Order of waiting keys: due time, then insertion order.
  using WaitSlot = std::pair<Clock::time_point, std::uint64_t>;
  // Order of ready keys: priority (negated, so higher first), due time, insertion order.
  using ReadySlot = std::tuple<int, Clock::time_point, std::uint64_t>;

  struct Entry {
    Clock::time_point due;
    std::uint64_t seq;
    Clock::time_point added;
    int priority;
    bool ready;

    WaitSlot wait_slot() const { return {due, seq}; }
    ReadySlot ready_slot() const { return {-priority, due, seq}; }
  };

  void add_locked(const std::string& key, Clock::time_point due, int priority);
  void unlink_locked(const Entry& entry);
  void promote_due_locked(Clock::time_point now);
  void update_depth_locked();
  void update_in_flight_metrics();

  const std::string name_;
  const std::shared_ptr<Clock> clock_;
  const std::unique_ptr<RateLimiter> rate_limiter_;
  MetricsRegistry* registry_;
  std::unique_ptr<WorkQueueMetrics> metrics_;
  MetricsRegistry::CollectorId collector_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable items_changed_;
  std::condition_variable drained_;
  std::unordered_map<std::string, Entry> entries_;
  std::map<ReadySlot, std::string> ready_;                         // due time reached
  std::map<WaitSlot, std::string> waiting_;                        // due in the future
  std::unordered_map<std::string, Clock::time_point> processing_;  // key -> handed out at
  std::uint64_t next_seq_ = 0;
  bool shutting_down_ = false;
};

}  // namespace kiln::runtime
