#include "operator/kube/backoff.hpp"

#include <algorithm>
#include <random>

namespace kiln::kube {

Backoff::Backoff(Options options, std::function<double()> uniform01)
    : options_(options), uniform01_(std::move(uniform01)), current_(options.initial) {
  if (!uniform01_) {
    uniform01_ = [engine = std::mt19937_64(std::random_device{}())]() mutable {
      return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    };
  }
}

std::chrono::milliseconds Backoff::next_delay(Clock::time_point now) {
  // A long healthy stretch since the last failure means this one is new trouble.
  if (last_failure_ && now - *last_failure_ >= options_.reset_after) current_ = options_.initial;
  last_failure_ = now;
  const double base = static_cast<double>(current_.count());
  const double spread = options_.jitter * (2.0 * uniform01_() - 1.0);
  auto delay = std::chrono::milliseconds(static_cast<std::int64_t>(base * (1.0 + spread)));
  delay = std::clamp(delay, std::chrono::milliseconds(0), options_.max);
  auto grown = std::chrono::milliseconds(static_cast<std::int64_t>(base * options_.factor));
  current_ = std::min(grown, options_.max);
  return delay;
}

void Backoff::reset() {
  current_ = options_.initial;
  last_failure_.reset();
}

}  // namespace kiln::kube
