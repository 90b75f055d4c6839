#include "operator/runtime/leader_election_decision.hpp"

namespace kiln::runtime {

LeaseDecision decide_lease_action(const LeaseObservation& observed, std::string_view identity,
                                  bool leading, Clock::time_point now,
                                  Clock::wall_time_point wall_now,
                                  std::chrono::seconds lease_duration) {
  LeaderElectionRecord next;
  next.holder_identity = std::string(identity);
  next.lease_duration_seconds = static_cast<int>(lease_duration.count());
  next.renew_time = wall_now;

  if (!observed.record) {
    next.acquire_time = wall_now;
    return {LeaseAction::create, next};
  }
  const LeaderElectionRecord& current = *observed.record;

  if (current.holder_identity == identity) {
    // Still ours: keep when we got it and how many hand-overs there were.
    next.acquire_time = current.acquire_time ? current.acquire_time : wall_now;
    next.lease_transitions = current.lease_transitions;
    return {LeaseAction::renew, next};
  }

  // Someone else (or nobody) is named. If we thought we led, our leadership
  // ended without us knowing: stop at once rather than fight for it.
  if (leading) return {LeaseAction::lost, current};

  // The record's own duration counts (1 s after a release), not ours.
  const bool held =
      !current.holder_identity.empty() &&
      observed.observed_at + std::chrono::seconds(current.lease_duration_seconds) > now;
  if (held) return {LeaseAction::wait, current};

  next.acquire_time = wall_now;
  next.lease_transitions = current.lease_transitions + 1;
  return {LeaseAction::acquire, next};
}

std::string_view to_string(LeaseAction action) {
  switch (action) {
    case LeaseAction::create:
      return "create";
    case LeaseAction::acquire:
      return "acquire";
    case LeaseAction::renew:
      return "renew";
    case LeaseAction::wait:
      return "wait";
    case LeaseAction::lost:
      return "lost";
  }
  return "unknown";
}

}  // namespace kiln::runtime
