#include "operator/runtime/reconcile_result.hpp"

#include "operator/runtime/work_queue.hpp"

namespace kiln::runtime {

std::string_view result_label(const ReconcileResult& result) {
  switch (result.kind()) {
    case ReconcileResult::Kind::done:
      return "success";
    case ReconcileResult::Kind::requeue:
      return "requeue";
    case ReconcileResult::Kind::requeue_after:
      return result.delay() > Clock::duration::zero() ? "requeue_after" : "requeue";
    case ReconcileResult::Kind::error:
    case ReconcileResult::Kind::terminal_error:
      return "error";
  }
  return "error";
}

void apply_reconcile_result(WorkQueue& queue, const std::string& key,
                            const ReconcileResult& result) {
  switch (result.kind()) {
    case ReconcileResult::Kind::done:
    case ReconcileResult::Kind::terminal_error:
      queue.forget(key);
      return;
    case ReconcileResult::Kind::requeue:
    case ReconcileResult::Kind::error:
      queue.add_rate_limited(key);
      return;
    case ReconcileResult::Kind::requeue_after:
      if (result.delay() <= Clock::duration::zero()) {
        queue.add_rate_limited(key);
        return;
      }
      // A fixed delay replaces the backoff: the key is healthy, just not final.
      queue.forget(key);
      queue.add_after(key, result.delay());
      return;
  }
}

}  // namespace kiln::runtime
