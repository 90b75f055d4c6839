#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "operator/runtime/clock.hpp"
#include "operator/runtime/lease_lock.hpp"

namespace kiln::runtime {

// What a candidate knows of the Lease. Expiry is judged from when *we* first
// saw the current record on our own monotonic clock, not from its renewTime,
// so clock skew between nodes does not matter (client-go's observedTime).
struct LeaseObservation {
  std::optional<LeaderElectionRecord> record;  // nullopt: the Lease does not exist
  Clock::time_point observed_at;               // when this record was first seen unchanged
};

enum class LeaseAction {
  create,   // no Lease yet: create it, held by us
  acquire,  // free or expired: take it over (one more transition)
  renew,    // ours: write a fresh renewTime
  wait,     // someone else holds a valid lease
  lost,     // we were leading but the Lease names someone else
};

struct LeaseDecision {
  LeaseAction action;
  LeaderElectionRecord record;  // to write, for create / acquire / renew
};

// The pure core of client-go's tryAcquireOrRenew. `leading` is whether this
// candidate currently believes it leads; `lease_duration` is what we write.
LeaseDecision decide_lease_action(const LeaseObservation& observed, std::string_view identity,
                                  bool leading, Clock::time_point now,
                                  Clock::wall_time_point wall_now,
                                  std::chrono::seconds lease_duration);

std::string_view to_string(LeaseAction action);

}  // namespace kiln::runtime
