#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <stop_token>

#include "operator/kube/api_error.hpp"

namespace kiln::kube {

// A call aborted because its caller asked to stop (shutdown, lost leadership).
class CancelledError : public TransportError {
  using TransportError::TransportError;
};

// Limits every RestClient call the current thread makes while the scope is
// alive, without passing anything through the call sites (the reconcile
// code in between stays unaware), as a Go context does for client-go:
//  - a stop token or flag: a call in flight is aborted soon after it is set
//    (libcurl's progress callback, at least once a second) and throws
//    CancelledError; a call started after it throws at once;
//  - a deadline: a call gets at most the time left (its timeout shrinks) and
//    throws TransportError once it has passed.
// Scopes nest: any stop in the chain cancels, the earliest deadline wins.
class CallScope {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit CallScope(std::stop_token stop);
  explicit CallScope(const std::atomic<bool>& stop);
  explicit CallScope(TimePoint deadline);
  ~CallScope();
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

  // Whether a scope of this thread has been asked to stop.
  static bool cancelled();
  // The earliest deadline of this thread's scopes, if any.
  static std::optional<TimePoint> deadline();

 private:
  CallScope* parent_;
  std::optional<std::stop_token> token_;
  const std::atomic<bool>* flag_ = nullptr;
  std::optional<TimePoint> deadline_;
};

}  // namespace kiln::kube
