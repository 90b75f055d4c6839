#include "operator/kube/call_scope.hpp"

namespace kiln::kube {
namespace {

thread_local CallScope* innermost = nullptr;

}  // namespace

CallScope::CallScope(std::stop_token stop) : parent_(innermost), token_(std::move(stop)) {
  innermost = this;
}

CallScope::CallScope(const std::atomic<bool>& stop) : parent_(innermost), flag_(&stop) {
  innermost = this;
}

CallScope::CallScope(TimePoint deadline) : parent_(innermost), deadline_(deadline) {
  innermost = this;
}

CallScope::~CallScope() {
  innermost = parent_;
}

bool CallScope::cancelled() {
  for (const CallScope* s = innermost; s != nullptr; s = s->parent_) {
    if (s->token_ && s->token_->stop_requested()) return true;
    if (s->flag_ != nullptr && s->flag_->load()) return true;
  }
  return false;
}

std::optional<CallScope::TimePoint> CallScope::deadline() {
  std::optional<TimePoint> earliest;
  for (const CallScope* s = innermost; s != nullptr; s = s->parent_) {
    if (s->deadline_ && (!earliest || *s->deadline_ < *earliest)) earliest = s->deadline_;
  }
  return earliest;
}

}  // namespace kiln::kube
