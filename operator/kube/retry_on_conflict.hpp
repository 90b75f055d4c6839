#pragma once

#include <chrono>
#include <functional>

namespace kiln::kube {

// client-go's retry.DefaultRetry: five attempts 10 ms apart, with 10% jitter.
struct ConflictRetry {
  int attempts = 5;
  std::chrono::milliseconds delay{10};
  double jitter = 0.1;
};

// Runs `attempt` — a read-modify-write that sends the resourceVersion it read
// — again whenever the API server rejects it with 409 Conflict because
// someone else wrote in between (client-go's retry.RetryOnConflict). Other
// errors propagate at once; the last ConflictError propagates when the
// attempts run out. Returns how many conflicts were retried.
int retry_on_conflict(const std::function<void()>& attempt, const ConflictRetry& retry = {});

}  // namespace kiln::kube
