#include "fetch/retry.hpp"

#include <spdlog/spdlog.h>

#include <thread>

namespace kiln::fetch {

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int n) {
  auto d = policy.first_delay;
  for (int i = 1; i < n && d < policy.max_delay; ++i) d *= 2;
  return std::min(d, policy.max_delay);
}

void with_retries(const RetryPolicy& policy, const std::string& what,
                  const std::function<void()>& action) {
  const int attempts = std::max(1, policy.attempts);
  for (int attempt = 1;; ++attempt) {
    try {
      action();
      return;
    } catch (const TransientError& e) {
      if (attempt >= attempts) {
        throw FetchError(e.reason(), std::string(e.what()) + " (gave up after " +
                                         std::to_string(attempts) + " attempts)");
      }
      auto delay = backoff_delay(policy, attempt);
      spdlog::warn("{}: {}; retrying in {} ms (attempt {}/{})", what, e.what(), delay.count(),
                   attempt + 1, attempts);
      std::this_thread::sleep_for(delay);
    }
  }
}

}  // namespace kiln::fetch
