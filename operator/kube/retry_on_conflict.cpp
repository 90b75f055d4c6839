#include "operator/kube/retry_on_conflict.hpp"

#include <random>
#include <thread>

#include "operator/kube/api_error.hpp"

namespace kiln::kube {

int retry_on_conflict(const std::function<void()>& attempt, const ConflictRetry& retry) {
  thread_local std::mt19937 random{std::random_device{}()};
  std::uniform_real_distribution<double> spread(0.0, retry.jitter);
  for (int conflicts = 0;; ++conflicts) {
    try {
      attempt();
      return conflicts;
    } catch (const ConflictError&) {
      if (conflicts + 1 >= retry.attempts) throw;
    }
    std::this_thread::sleep_for(std::chrono::duration_cast<std::chrono::microseconds>(
        retry.delay * (1.0 + spread(random))));
  }
}

}  // namespace kiln::kube
