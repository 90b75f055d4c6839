#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "fetch/fetch_error.hpp"

namespace kiln::fetch {

// A failure worth trying again (a dropped connection, a 5xx, a timeout): it
// carries the reason to report if the attempts run out.
class TransientError : public FetchError {
  using FetchError::FetchError;
};

struct RetryPolicy {
  int attempts = 5;  // in total
  std::chrono::milliseconds first_delay{500};
  std::chrono::milliseconds max_delay{10000};
};

// The delay before attempt `n` (n >= 1 is the first retry): first_delay * 2^(n-1), capped.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int n);

// Runs `action` until it returns or throws something other than
// TransientError, at most policy.attempts times, sleeping with exponential
// backoff in between. The last TransientError is rethrown as a FetchError
// whose message says how many attempts were made.
void with_retries(const RetryPolicy& policy, const std::string& what,
                  const std::function<void()>& action);

}  // namespace kiln::fetch
