#include "operator/runtime/clock.hpp"

#include <algorithm>

namespace kiln::runtime {

bool Clock::sleep_until(time_point deadline, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable cv;
  // The callback must exist before the lock is taken: if stop is already
  // requested it runs inline and locks `mutex` itself.
  std::stop_callback on_stop(stop, [&] {
    std::lock_guard guard(mutex);
    cv.notify_all();
  });
  std::unique_lock lock(mutex);
  while (!stop.stop_requested() && now() < deadline) wait_until(cv, lock, deadline);
  return !stop.stop_requested();
}

void SystemClock::wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                             time_point deadline) {
  if (deadline == time_point::max()) {
    cv.wait(lock);
  } else {
    cv.wait_until(lock, deadline);
  }
}

std::shared_ptr<Clock> system_clock() {
  static const std::shared_ptr<Clock> clock = std::make_shared<SystemClock>();
  return clock;
}

FakeClock::FakeClock()
    : now_(time_point{} + std::chrono::hours(1)),
      // A fixed, readable wall time so timestamps in tests are predictable.
      wall_base_(std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}),
      wall_base_steady_(now_) {}

Clock::time_point FakeClock::now() const {
  std::lock_guard guard(mutex_);
  return now_;
}

Clock::wall_time_point FakeClock::wall_now() const {
  std::lock_guard guard(mutex_);
  return wall_base_ +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(now_ - wall_base_steady_);
}

void FakeClock::set_wall_time(wall_time_point t) {
  std::lock_guard guard(mutex_);
  wall_base_ = t;
  wall_base_steady_ = now_;
}

void FakeClock::wait_until(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                           time_point deadline) {
  Waiter self{&cv, lock.mutex(), deadline};
  {
    std::lock_guard guard(mutex_);
    if (now_ >= deadline) return;
    waiters_.push_back(&self);
    waiters_changed_.notify_all();
  }
  // The caller's mutex is held from registration until cv.wait releases it,
  // and advance() takes that mutex before notifying, so no wake-up is lost.
  cv.wait(lock);
  // advance() may still hold a pointer to this waiter's cv and mutex (which
  // may live in the caller's stack frame); do not return until it is done.
  // The caller's mutex is released meanwhile so that advance() can take it.
  lock.unlock();
  {
    std::unique_lock guard(mutex_);
    waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &self));
    waiters_changed_.notify_all();
    waiters_changed_.wait(guard, [&] { return notifying_ == 0; });
  }
  lock.lock();
}

void FakeClock::advance(duration d) {
  std::vector<Waiter> to_wake;
  {
    std::lock_guard guard(mutex_);
    now_ += d;
    for (Waiter* w : waiters_) {
      if (w->deadline <= now_) to_wake.push_back(*w);
    }
    ++notifying_;
  }
  // Notify without holding mutex_: waiters take their own mutex before ours.
  for (const Waiter& w : to_wake) {
    std::lock_guard guard(*w.mutex);
    w.cv->notify_all();
  }
  std::lock_guard guard(mutex_);
  --notifying_;
  waiters_changed_.notify_all();
}

std::size_t FakeClock::waiters() const {
  std::lock_guard guard(mutex_);
  return static_cast<std::size_t>(std::count_if(
      waiters_.begin(), waiters_.end(), [&](const Waiter* w) { return w->deadline > now_; }));
}

void FakeClock::await_waiters(std::size_t n, bool with_deadline) const {
  std::unique_lock lock(mutex_);
  // A waiter whose deadline has passed was woken by advance() and is on its
  // way out; only threads still waiting for the clock to move count.
  waiters_changed_.wait(lock, [&] {
    const auto blocked = std::count_if(waiters_.begin(), waiters_.end(), [&](const Waiter* w) {
      return w->deadline > now_ && (!with_deadline || w->deadline != time_point::max());
    });
    return static_cast<std::size_t>(blocked) >= n;
  });
}

}  // namespace kiln::runtime
