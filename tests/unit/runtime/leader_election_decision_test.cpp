#include "operator/runtime/leader_election_decision.hpp"

#include <gtest/gtest.h>

namespace kiln::runtime {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

const Clock::time_point t0 = Clock::time_point{} + 1h;
const Clock::wall_time_point wall0 = sys_days{year{2026} / 11 / 21};
const Clock::wall_time_point wall_earlier = wall0 - 1h;

LeaderElectionRecord held_by(std::string holder, int duration = 15, int transitions = 2) {
  return {std::move(holder), duration, wall_earlier, wall_earlier, transitions};
}

TEST(DecideLeaseAction, CreatesAMissingLease) {
  const auto d = decide_lease_action({std::nullopt, t0}, "me", false, t0, wall0, 15s);
  EXPECT_EQ(d.action, LeaseAction::create);
  EXPECT_EQ(d.record, (LeaderElectionRecord{"me", 15, wall0, wall0, 0}));
}

TEST(DecideLeaseAction, WaitsWhileAnotherHolderIsWithinItsLease) {
  const LeaseObservation observed{held_by("other"), t0};
  EXPECT_EQ(decide_lease_action(observed, "me", false, t0, wall0, 15s).action, LeaseAction::wait);
  EXPECT_EQ(decide_lease_action(observed, "me", false, t0 + 14999ms, wall0, 15s).action,
            LeaseAction::wait);
}

TEST(DecideLeaseAction, AcquiresAnExpiredLeaseCountingATransition) {
  const LeaseObservation observed{held_by("other"), t0};
  const auto d = decide_lease_action(observed, "me", false, t0 + 15s, wall0, 15s);
  EXPECT_EQ(d.action, LeaseAction::acquire);
  EXPECT_EQ(d.record, (LeaderElectionRecord{"me", 15, wall0, wall0, 3}));
}

TEST(DecideLeaseAction, ExpiryUsesTheRecordsDurationFromWhenWeObservedIt) {
  // renewTime is an hour old on the other node's clock, but we saw the record
  // change only now: it is still valid for its 30 s.
  const LeaseObservation observed{held_by("other", 30), t0};
  EXPECT_EQ(decide_lease_action(observed, "me", false, t0 + 20s, wall0, 15s).action,
            LeaseAction::wait);
  EXPECT_EQ(decide_lease_action(observed, "me", false, t0 + 30s, wall0, 15s).action,
            LeaseAction::acquire);
}

TEST(DecideLeaseAction, AcquiresAReleasedLeaseAtOnce) {
  LeaderElectionRecord released{"", 1, wall_earlier, wall_earlier, 4};
  const auto d = decide_lease_action({released, t0}, "me", false, t0, wall0, 15s);
  EXPECT_EQ(d.action, LeaseAction::acquire);
  EXPECT_EQ(d.record.lease_transitions, 5);
}

TEST(DecideLeaseAction, RenewsOurOwnLeaseKeepingAcquireTimeAndTransitions) {
  const auto d = decide_lease_action({held_by("me"), t0}, "me", true, t0 + 2s, wall0, 15s);
  EXPECT_EQ(d.action, LeaseAction::renew);
  EXPECT_EQ(d.record, (LeaderElectionRecord{"me", 15, wall_earlier, wall0, 2}));
}

TEST(DecideLeaseAction, ALeaderThatFindsAnotherHolderHasLost) {
  const auto d = decide_lease_action({held_by("other"), t0}, "me", true, t0, wall0, 15s);
  EXPECT_EQ(d.action, LeaseAction::lost);
  // Even when that lease has expired: leadership was not continuous.
  EXPECT_EQ(decide_lease_action({held_by("other"), t0}, "me", true, t0 + 1h, wall0, 15s).action,
            LeaseAction::lost);
}

TEST(LeaseSpec, RoundTripsThroughJsonWithMicroTime) {
  const LeaderElectionRecord record{"pod-a_1234", 15, wall0 + 1500ms, wall0 + 2s + 7us, 3};
  const auto spec = lease_spec_from_record(record);
  EXPECT_EQ(spec, nlohmann::json::parse(R"({"holderIdentity":"pod-a_1234",
      "leaseDurationSeconds":15,"acquireTime":"2026-11-21T00:00:01.500000Z",
      "renewTime":"2026-11-21T00:00:02.000007Z","leaseTransitions":3})"));
  EXPECT_EQ(record_from_lease_spec(spec), record);
  EXPECT_EQ(record_from_lease_spec(nlohmann::json::object()), LeaderElectionRecord{});
}

}  // namespace
}  // namespace kiln::runtime
