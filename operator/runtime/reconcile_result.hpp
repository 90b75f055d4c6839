#pragma once

#include <string>
#include <string_view>

#include "operator/runtime/clock.hpp"

namespace kiln::runtime {

class WorkQueue;

// What a reconcile asks the runtime to do next with its key
// (controller-runtime's reconcile.Result plus the returned error).
class ReconcileResult {
 public:
  enum class Kind {
    done,            // converged: forget the key's backoff
    requeue,         // not converged, no error: retry with backoff
    requeue_after,   // check again after a fixed delay (periodic checks)
    error,           // failed: retry with backoff
    terminal_error,  // failed in a way retrying cannot fix: do not requeue
  };

  static ReconcileResult done() { return ReconcileResult(Kind::done, {}, {}); }
  static ReconcileResult requeue() { return ReconcileResult(Kind::requeue, {}, {}); }
  static ReconcileResult requeue_after(Clock::duration delay) {
    return ReconcileResult(Kind::requeue_after, delay, {});
  }
  static ReconcileResult error(std::string message) {
    return ReconcileResult(Kind::error, {}, std::move(message));
  }
  static ReconcileResult terminal_error(std::string message) {
    return ReconcileResult(Kind::terminal_error, {}, std::move(message));
  }

  Kind kind() const { return kind_; }
  Clock::duration delay() const { return delay_; }
  const std::string& message() const { return message_; }
  bool is_error() const { return kind_ == Kind::error || kind_ == Kind::terminal_error; }

 private:
  ReconcileResult(Kind kind, Clock::duration delay, std::string message)
      : kind_(kind), delay_(delay), message_(std::move(message)) {}

  Kind kind_;
  Clock::duration delay_;
  std::string message_;
};

// The `result` label of controller_runtime_reconcile_total:
// success | error | requeue | requeue_after (terminal errors count as error).
std::string_view result_label(const ReconcileResult& result);

// Applies the result to the queue as controller-runtime's reconcileHandler does:
//  done            -> forget (reset backoff)
//  requeue         -> add_rate_limited
//  requeue_after d -> forget, add_after(d) (a zero delay acts like requeue)
//  error           -> add_rate_limited
//  terminal_error  -> forget; the key waits for the next watch event
void apply_reconcile_result(WorkQueue& queue, const std::string& key,
                            const ReconcileResult& result);

}  // namespace kiln::runtime
