#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <stop_token>
#include <vector>

namespace kiln::runtime {

// Time source for everything in the runtime that waits or measures. Production
// code uses SystemClock; tests use FakeClock so that delays, backoff and lease
// expiry are driven explicitly instead of by sleeping.
class Clock {
 public:
  using duration = std::chrono::steady_clock::duration;
  using time_point = std::chrono::steady_clock::time_point;
  using wall_time_point = std::chrono::system_clock::time_point;

  virtual ~Clock() = default;

  // Monotonic time, for deadlines and durations.
  virtual time_point now() const = 0;
  // Wall-clock time, for timestamps written to the API (Lease renewTime, conditions).
  virtual wall_time_point wall_now() const = 0;

  // Blocks on `cv` (with `lock` held by the caller) until notified or until
  // `deadline` has passed on this clock. Spurious returns are allowed; callers
  // re-check their predicate. time_point::max() waits for a notification only.
  virtual void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                          time_point deadline) = 0;

  // Sleeps until `deadline` or until `stop` is requested. Returns false when
  // stopped early.
  bool sleep_until(time_point deadline, std::stop_token stop);
  bool sleep_for(duration d, std::stop_token stop) { return sleep_until(now() + d, stop); }
};

class SystemClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
  wall_time_point wall_now() const override { return std::chrono::system_clock::now(); }
  void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                  time_point deadline) override;
};

std::shared_ptr<Clock> system_clock();

// A clock that only moves when advance() is called. Threads blocked in
// wait_until() are woken when the clock moves, and tests can wait (without
// sleeping) until a given number of threads are blocked on the clock.
class FakeClock final : public Clock {
 public:
  FakeClock();

  time_point now() const override;
  wall_time_point wall_now() const override;
  void wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                  time_point deadline) override;

  void advance(duration d);
  void set_wall_time(wall_time_point t);

  // Number of threads blocked in wait_until() whose deadline is still ahead.
  std::size_t waiters() const;
  // Blocks the calling test thread until at least `n` threads are blocked in
  // wait_until() with a deadline still ahead (or with none, unless
  // `with_deadline`). Threads woken by the last advance() do not count, so
  // "advance, then await" waits until they have gone round and wait again.
  void await_waiters(std::size_t n, bool with_deadline = false) const;

 private:
  struct Waiter {
    std::condition_variable* cv;
    std::mutex* mutex;
    time_point deadline;
  };

  mutable std::mutex mutex_;
  mutable std::condition_variable waiters_changed_;
  time_point now_;
  wall_time_point wall_base_;
  time_point wall_base_steady_;
  std::vector<Waiter*> waiters_;
  int notifying_ = 0;  // advance() calls currently notifying waiters
};

}  // namespace kiln::runtime
