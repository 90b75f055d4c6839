#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace kiln::kube {

struct BackoffOptions {
  std::chrono::milliseconds initial{800};
  std::chrono::milliseconds max{30'000};
  double factor = 2.0;
  // Each delay is drawn uniformly from [d·(1−jitter), d·(1+jitter)], capped at max.
  double jitter = 0.5;
  std::chrono::milliseconds reset_after{120'000};
};

// Exponential backoff with jitter that resets after a stretch of health: the
// watcher's policy in client-go and kube-rs (800 ms → 30 s, factor 2, reset
// after 2 minutes without a failure). Pure: time and randomness come in.
class Backoff {
 public:
  using Clock = std::chrono::steady_clock;
  using Options = BackoffOptions;

  // `uniform01` returns values in [0, 1); the default draws from a seeded engine.
  explicit Backoff(Options options = {}, std::function<double()> uniform01 = {});

  // The delay before the next attempt after a failure at `now`.
  std::chrono::milliseconds next_delay(Clock::time_point now);
  // Forget past failures (e.g. after the first successful list).
  void reset();
  // The un-jittered delay the next failure would start from.
  std::chrono::milliseconds current_base() const { return current_; }

 private:
  Options options_;
  std::function<double()> uniform01_;
  std::chrono::milliseconds current_;
  std::optional<Clock::time_point> last_failure_;
};

}  // namespace kiln::kube
