#include "operator/runtime/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace kiln::runtime {

ItemExponentialFailureRateLimiter::ItemExponentialFailureRateLimiter(Clock::duration base_delay,
                                                                     Clock::duration max_delay)
    : base_delay_(base_delay), max_delay_(max_delay) {}

Clock::duration ItemExponentialFailureRateLimiter::when(const std::string& key) {
  int exponent = 0;
  {
    std::lock_guard guard(mutex_);
    exponent = failures_[key]++;
  }
  // Computed in floating point so that large exponents saturate instead of
  // overflowing the integer tick count.
  const double delay = static_cast<double>(base_delay_.count()) * std::pow(2.0, exponent);
  if (!(delay < static_cast<double>(max_delay_.count()))) return max_delay_;
  return Clock::duration(static_cast<Clock::duration::rep>(delay));
}

void ItemExponentialFailureRateLimiter::forget(const std::string& key) {
  std::lock_guard guard(mutex_);
  failures_.erase(key);
}

int ItemExponentialFailureRateLimiter::retries(const std::string& key) const {
  std::lock_guard guard(mutex_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

BucketRateLimiter::BucketRateLimiter(std::shared_ptr<Clock> clock, double qps, int burst)
    : clock_(std::move(clock)), qps_(qps), burst_(burst), tokens_(burst), last_(clock_->now()) {}

Clock::duration BucketRateLimiter::when(const std::string&) {
  std::lock_guard guard(mutex_);
  const auto now = clock_->now();
  if (now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  // Reserve a token even if it is not there yet; the debt is the wait.
  tokens_ -= 1.0;
  if (tokens_ >= 0) return Clock::duration::zero();
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(-tokens_ / qps_));
}

MaxOfRateLimiter::MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters)
    : limiters_(std::move(limiters)) {}

Clock::duration MaxOfRateLimiter::when(const std::string& key) {
  Clock::duration longest = Clock::duration::zero();
  // Every limiter is asked, so each one records the retry.
  for (auto& limiter : limiters_) longest = std::max(longest, limiter->when(key));
  return longest;
}

void MaxOfRateLimiter::forget(const std::string& key) {
  for (auto& limiter : limiters_) limiter->forget(key);
}

int MaxOfRateLimiter::retries(const std::string& key) const {
  int most = 0;
  for (const auto& limiter : limiters_) most = std::max(most, limiter->retries(key));
  return most;
}

std::unique_ptr<RateLimiter> default_controller_rate_limiter(std::shared_ptr<Clock> clock) {
  using namespace std::chrono_literals;
  std::vector<std::unique_ptr<RateLimiter>> limiters;
  limiters.push_back(std::make_unique<ItemExponentialFailureRateLimiter>(5ms, 1000s));
  limiters.push_back(std::make_unique<BucketRateLimiter>(std::move(clock), 10.0, 100));
  return std::make_unique<MaxOfRateLimiter>(std::move(limiters));
}

}  // namespace kiln::runtime
