#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "operator/runtime/clock.hpp"

namespace kiln::runtime {

// Decides how long a key waits before it is retried (client-go
// workqueue.TypedRateLimiter). Implementations are thread-safe.
class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Delay before `key` may be processed again; counts as one more retry.
  virtual Clock::duration when(const std::string& key) = 0;
  // Stop tracking `key` (it succeeded): its backoff starts over.
  virtual void forget(const std::string& key) = 0;
  // Failures recorded for `key` since it was last forgotten.
  virtual int retries(const std::string& key) const = 0;
};

// Per-key exponential backoff: base * 2^failures, capped at max_delay.
class ItemExponentialFailureRateLimiter final : public RateLimiter {
 public:
  ItemExponentialFailureRateLimiter(Clock::duration base_delay, Clock::duration max_delay);

  Clock::duration when(const std::string& key) override;
  void forget(const std::string& key) override;
  int retries(const std::string& key) const override;

 private:
  const Clock::duration base_delay_;
  const Clock::duration max_delay_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, int> failures_;
};

// Overall token bucket shared by all keys (golang.org/x/time/rate semantics:
// each call reserves a token, and the delay is how long until it is earned).
class BucketRateLimiter final : public RateLimiter {
 public:
  BucketRateLimiter(std::shared_ptr<Clock> clock, double qps, int burst);

  Clock::duration when(const std::string& key) override;
  void forget(const std::string&) override {}
  int retries(const std::string&) const override { return 0; }

 private:
  std::shared_ptr<Clock> clock_;
  const double qps_;
  const double burst_;
  std::mutex mutex_;
  double tokens_;
  Clock::time_point last_;
};

// Combines limiters: the delay is the longest of theirs.
class MaxOfRateLimiter final : public RateLimiter {
 public:
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters);

  Clock::duration when(const std::string& key) override;
  void forget(const std::string& key) override;
  int retries(const std::string& key) const override;

 private:
  std::vector<std::unique_ptr<RateLimiter>> limiters_;
};

// client-go's DefaultControllerRateLimiter: per-key 5 ms .. 1000 s exponential
// backoff, and an overall 10 qps bucket with burst 100.
std::unique_ptr<RateLimiter> default_controller_rate_limiter(std::shared_ptr<Clock> clock);

}  // namespace kiln::runtime
