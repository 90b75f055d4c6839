#include "operator/runtime/work_queue.hpp"

namespace kiln::runtime {
namespace {

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

WorkQueue::WorkQueue(WorkQueueOptions options)
    : name_(std::move(options.name)),
      clock_(options.clock ? std::move(options.clock) : system_clock()),
      rate_limiter_(options.rate_limiter ? std::move(options.rate_limiter)
                                         : default_controller_rate_limiter(clock_)),
      registry_(options.metrics) {
  if (registry_ != nullptr) {
    metrics_ = std::make_unique<WorkQueueMetrics>(*registry_, name_);
    collector_ = registry_->add_collector([this] { update_in_flight_metrics(); });
  }
}

WorkQueue::~WorkQueue() {
  if (registry_ != nullptr) registry_->remove_collector(collector_);
  shut_down();
}

// Computed at scrape time rather than on a timer (client-go updates them
// every 500 ms).
void WorkQueue::update_in_flight_metrics() {
  std::lock_guard guard(mutex_);
  const auto now = clock_->now();
  double total = 0;
  double longest = 0;
  for (const auto& [key, started] : processing_) {
    const double running = seconds(now - started);
    total += running;
    longest = std::max(longest, running);
  }
  metrics_->unfinished_work.set(total);
  metrics_->longest_running.set(longest);
}

void WorkQueue::add(const std::string& key) {
  add_with_options(key, {});
}

void WorkQueue::add_after(const std::string& key, Clock::duration delay) {
  add_with_options(key, {.after = delay});
}

void WorkQueue::add_rate_limited(const std::string& key) {
  add_with_options(key, {.rate_limited = true});
}

void WorkQueue::add_with_options(const std::string& key, const AddOptions& options) {
  auto delay = options.after;
  if (options.rate_limited) {
    {
      // An add that shutdown drops must not count as a retry.
      std::lock_guard guard(mutex_);
      if (shutting_down_) return;
    }
    delay = std::max(delay, rate_limiter_->when(key));
    if (metrics_) metrics_->retries.inc();
  }
  std::lock_guard guard(mutex_);
  if (shutting_down_) return;
  const auto now = clock_->now();
  add_locked(key, delay > Clock::duration::zero() ? now + delay : now, options.priority);
  promote_due_locked(now);
  update_depth_locked();
  // Wakes a getter either to take the key or to shorten its wait.
  items_changed_.notify_one();
}

void WorkQueue::forget(const std::string& key) {
  rate_limiter_->forget(key);
}

int WorkQueue::num_requeues(const std::string& key) const {
  return rate_limiter_->retries(key);
}

void WorkQueue::add_locked(const std::string& key, Clock::time_point due, int priority) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    const Entry entry{due, next_seq_++, clock_->now(), priority, false};
    entries_.emplace(key, entry);
    waiting_.emplace(entry.wait_slot(), key);
    if (metrics_) metrics_->adds.inc();
    return;
  }
  Entry& entry = it->second;
  // The earliest due time and the highest priority win.
  if (due >= entry.due && priority <= entry.priority) return;
  unlink_locked(entry);
  entry.due = std::min(entry.due, due);
  entry.priority = std::max(entry.priority, priority);
  // Back to waiting; promote_due_locked() moves it to ready_ if due.
  entry.ready = false;
  waiting_.emplace(entry.wait_slot(), key);
}

void WorkQueue::unlink_locked(const Entry& entry) {
  if (entry.ready) {
    ready_.erase(entry.ready_slot());
  } else {
    waiting_.erase(entry.wait_slot());
  }
}

void WorkQueue::promote_due_locked(Clock::time_point now) {
  while (!waiting_.empty() && waiting_.begin()->first.first <= now) {
    auto node = waiting_.extract(waiting_.begin());
    Entry& entry = entries_.at(node.mapped());
    entry.ready = true;
    ready_.emplace(entry.ready_slot(), std::move(node.mapped()));
  }
}

void WorkQueue::update_depth_locked() {
  if (metrics_) metrics_->depth.set(static_cast<double>(ready_.size()));
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lock(mutex_);
  while (!shutting_down_) {
    const auto now = clock_->now();
    promote_due_locked(now);
    // Oldest ready key that no worker holds; at most one skip per busy worker.
    for (auto it = ready_.begin(); it != ready_.end(); ++it) {
      if (processing_.contains(it->second)) continue;
      std::string key = std::move(it->second);
      ready_.erase(it);
      const Entry entry = entries_.at(key);
      entries_.erase(key);
      processing_.emplace(key, now);
      if (metrics_) {
        metrics_->queue_duration.observe(seconds(now - std::max(entry.added, entry.due)));
      }
      update_depth_locked();
      // This worker was perhaps the one woken to recompute the next due time
      // after an add: hand that on to another waiting worker, or a delayed
      // key would wait for the others' older, later deadlines.
      if (!entries_.empty()) items_changed_.notify_one();
      return key;
    }
    update_depth_locked();
    // Nothing to hand out: wait for an add, a done, shutdown, or the next due time.
    auto deadline = Clock::time_point::max();
    for (const auto& [slot, key] : waiting_) {
      if (!processing_.contains(key)) {
        deadline = slot.first;
        break;
      }
      // A busy key's due time is no reason to wake: done() will notify.
    }
    clock_->wait_until(items_changed_, lock, deadline);
  }
  return std::nullopt;
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard guard(mutex_);
  auto it = processing_.find(key);
  if (it == processing_.end()) return;
  if (metrics_) metrics_->work_duration.observe(seconds(clock_->now() - it->second));
  processing_.erase(it);
  // If the key was re-added while it was processed, it is eligible again now.
  if (entries_.contains(key)) items_changed_.notify_one();
  if (processing_.empty()) drained_.notify_all();
}

std::size_t WorkQueue::len() const {
  std::lock_guard guard(mutex_);
  return entries_.size();
}

std::size_t WorkQueue::ready_len() {
  std::lock_guard guard(mutex_);
  promote_due_locked(clock_->now());
  update_depth_locked();
  return ready_.size();
}

std::size_t WorkQueue::processing_len() const {
  std::lock_guard guard(mutex_);
  return processing_.size();
}

void WorkQueue::shut_down() {
  std::lock_guard guard(mutex_);
  shutting_down_ = true;
  items_changed_.notify_all();
}

void WorkQueue::shut_down_with_drain() {
  std::unique_lock lock(mutex_);
  shutting_down_ = true;
  items_changed_.notify_all();
  drained_.wait(lock, [&] { return processing_.empty(); });
}

bool WorkQueue::shutting_down() const {
  std::lock_guard guard(mutex_);
  return shutting_down_;
}

}  // namespace kiln::runtime
