#include "operator/runtime/leader_elector.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "operator/kube/api_time.hpp"
#include "tests/unit/runtime/in_memory_lease_store.hpp"

namespace kiln::runtime {
namespace {

using namespace std::chrono_literals;
using testing::InMemoryLeaseStore;

class LeaderElectorTest : public ::testing::Test {
 protected:
  struct Candidate {
    Candidate(LeaderElectorTest& t, const std::string& identity, LeaderCallbacks callbacks = {})
        : lock(t.store, "kiln-system", "kiln-operator"),
          elector(config(identity), lock, std::move(callbacks), t.clock, &t.registry) {}
    LeaseLock lock;
    LeaderElector elector;
  };

  static LeaderElectionConfig config(const std::string& identity) {
    LeaderElectionConfig c;
    c.identity = identity;
    c.jitter_factor = 0;  // deterministic retry times
    return c;
  }

  nlohmann::json lease() { return store.spec("kiln-system", "kiln-operator"); }
  double master_status() {
    return registry.gauge("leader_election_master_status", "", {"name"})
        .with({"kiln-operator"})
        .value();
  }

  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  InMemoryLeaseStore store;
  MetricsRegistry registry;
};

TEST_F(LeaderElectorTest, FirstCandidateCreatesTheLease) {
  Candidate a(*this, "a");
  ASSERT_TRUE(a.elector.try_acquire_or_renew());
  EXPECT_EQ(lease()["holderIdentity"], "a");
  EXPECT_EQ(lease()["leaseDurationSeconds"], 15);
  EXPECT_EQ(lease()["leaseTransitions"], 0);
  EXPECT_EQ(lease()["acquireTime"], kube::format_api_micro_time(clock->wall_now()));
  EXPECT_EQ(lease()["renewTime"], lease()["acquireTime"]);
  EXPECT_EQ(a.elector.observed_leader(), "a");
}

TEST_F(LeaderElectorTest, OthersTakeOverOnlyAfterTheLeaseExpires) {
  Candidate a(*this, "a");
  Candidate b(*this, "b");
  ASSERT_TRUE(a.elector.try_acquire_or_renew());
  EXPECT_FALSE(b.elector.try_acquire_or_renew());
  EXPECT_EQ(b.elector.observed_leader(), "a");
  clock->advance(14s);
  EXPECT_FALSE(b.elector.try_acquire_or_renew());
  clock->advance(1s);  // 15 s since b first saw this record
  ASSERT_TRUE(b.elector.try_acquire_or_renew());
  EXPECT_EQ(lease()["holderIdentity"], "b");
  EXPECT_EQ(lease()["leaseTransitions"], 1);
  EXPECT_EQ(lease()["acquireTime"], kube::format_api_micro_time(clock->wall_now()));
  EXPECT_FALSE(a.elector.try_acquire_or_renew());  // now a waits
}

// A read that starts before the expiry and returns after it finds the Lease
// expired: judged at the read's start, the candidate would count it held and
// then wait out a whole retry period on an expired Lease.
TEST_F(LeaderElectorTest, AReadThatStraddlesTheExpiryAcquires) {
  Candidate a(*this, "a");
  Candidate b(*this, "b");
  ASSERT_TRUE(a.elector.try_acquire_or_renew());
  EXPECT_FALSE(b.elector.try_acquire_or_renew());  // b sees a's record at 0 s
  clock->advance(14900ms);
  store.during_get = [&] { clock->advance(200ms); };  // read from 14.9 s to 15.1 s
  EXPECT_TRUE(b.elector.try_acquire_or_renew());
  EXPECT_EQ(lease()["holderIdentity"], "b");
}

// A candidate whose create loses the race reads the winner's record at once:
// its expiry clock starts at the winner's write, not a retry period later.
TEST_F(LeaderElectorTest, ACandidateThatLosesTheCreateRaceSeesTheWinnerAtOnce) {
  Candidate a(*this, "a");
  Candidate b(*this, "b");
  store.before_create = [&] { ASSERT_TRUE(a.elector.try_acquire_or_renew()); };
  EXPECT_FALSE(b.elector.try_acquire_or_renew());  // read no Lease, then lost to a
  EXPECT_EQ(b.elector.observed_leader(), "a");
  clock->advance(15s);
  EXPECT_TRUE(b.elector.try_acquire_or_renew());  // a never renewed: expired 15 s after its write
}

TEST_F(LeaderElectorTest, RenewingKeepsOtherCandidatesWaiting) {
  Candidate a(*this, "a");
  Candidate b(*this, "b");
  ASSERT_TRUE(a.elector.try_acquire_or_renew());
  const auto acquired = lease()["acquireTime"];
  EXPECT_FALSE(b.elector.try_acquire_or_renew());
  for (int i = 0; i < 10; ++i) {
    clock->advance(10s);
    ASSERT_TRUE(a.elector.try_acquire_or_renew());
    ASSERT_FALSE(b.elector.try_acquire_or_renew()) << i;
  }
  EXPECT_EQ(lease()["acquireTime"], acquired);
  EXPECT_EQ(lease()["renewTime"], kube::format_api_micro_time(clock->wall_now()));
  EXPECT_EQ(lease()["leaseTransitions"], 0);
}

TEST_F(LeaderElectorTest, ATakeoverRacingARenewalLosesOnResourceVersion) {
  Candidate a(*this, "a");
  Candidate b(*this, "b");
  ASSERT_TRUE(a.elector.try_acquire_or_renew());
  EXPECT_FALSE(b.elector.try_acquire_or_renew());
  clock->advance(15s);
  // b has read the expired lease and decided to take it; a renews first.
  store.before_update = [&] { ASSERT_TRUE(a.elector.try_acquire_or_renew()); };
  EXPECT_FALSE(b.elector.try_acquire_or_renew());
  EXPECT_EQ(lease()["holderIdentity"], "a");
  EXPECT_EQ(lease()["leaseTransitions"], 0);
}

TEST_F(LeaderElectorTest, ReleaseLetsTheNextCandidateTakeOverAtOnce) {
  Candidate a(*this, "a");
  Candidate b(*this, "b");
  ASSERT_TRUE(a.elector.try_acquire_or_renew());
  EXPECT_FALSE(b.elector.try_acquire_or_renew());
  clock->advance(3s);
  ASSERT_TRUE(a.elector.release());
  EXPECT_EQ(lease()["holderIdentity"], "");
  EXPECT_EQ(lease()["leaseDurationSeconds"], 1);
  EXPECT_EQ(lease()["leaseTransitions"], 0);
  EXPECT_EQ(lease()["renewTime"], kube::format_api_micro_time(clock->wall_now()));
  ASSERT_TRUE(b.elector.try_acquire_or_renew());  // no 15 s wait
  EXPECT_EQ(lease()["holderIdentity"], "b");
  EXPECT_EQ(lease()["leaseTransitions"], 1);
}

TEST_F(LeaderElectorTest, ReleaseByANonHolderWritesNothing) {
  Candidate a(*this, "a");
  Candidate b(*this, "b");
  ASSERT_TRUE(a.elector.try_acquire_or_renew());
  EXPECT_FALSE(b.elector.try_acquire_or_renew());
  const int writes = store.writes;
  EXPECT_TRUE(b.elector.release());
  EXPECT_EQ(store.writes, writes);
  EXPECT_EQ(lease()["holderIdentity"], "a");
}

TEST_F(LeaderElectorTest, UnreadableLeaseIsNotAcquired) {
  Candidate a(*this, "a");
  store.set_unavailable(true);
  EXPECT_FALSE(a.elector.try_acquire_or_renew());
  store.set_unavailable(false);
  EXPECT_TRUE(a.elector.try_acquire_or_renew());
}

TEST_F(LeaderElectorTest, RejectsUnsafeConfigurations) {
  LeaseLock lock(store, "ns", "l");
  auto make = [&](auto mutate) {
    auto c = config("a");
    mutate(c);
    LeaderElector e(c, lock, {}, clock);
  };
  EXPECT_THROW(make([](auto& c) { c.identity = ""; }), std::invalid_argument);
  EXPECT_THROW(make([](auto& c) { c.renew_deadline = 15s; }), std::invalid_argument);
  EXPECT_THROW(make([](auto& c) {
                 c.retry_period = 5s;
                 c.jitter_factor = 2;
               }),
               std::invalid_argument);
  EXPECT_THROW(make([](auto& c) { c.retry_period = 0s; }), std::invalid_argument);
  EXPECT_NO_THROW(make([](auto&) {}));
}

TEST_F(LeaderElectorTest, RunLeadsUntilStoppedThenReleasesAfterStoppedLeading) {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::string> events;
  std::stop_token leading_token;
  double status_while_leading = -1;
  LeaderCallbacks callbacks;
  callbacks.on_started_leading = [&](std::stop_token leading) {
    std::lock_guard guard(mutex);
    events.push_back("started");
    leading_token = leading;
    status_while_leading = master_status();
    cv.notify_all();
  };
  callbacks.on_stopped_leading = [&] {
    std::lock_guard guard(mutex);
    // Work stops before the lease is handed over.
    events.push_back("stopped holder=" + lease()["holderIdentity"].get<std::string>());
    events.push_back(leading_token.stop_requested() ? "token stopped" : "token live");
  };
  Candidate a(*this, "a", callbacks);

  std::stop_source stop;
  LeaderElector::Outcome outcome{};
  std::thread runner([&] { outcome = a.elector.run(stop.get_token()); });
  {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return !events.empty(); });
  }
  EXPECT_TRUE(a.elector.is_leader());
  // Two renewals while leading.
  for (int i = 0; i < 2; ++i) {
    clock->await_waiters(1, true);
    clock->advance(2s);
  }
  clock->await_waiters(1, true);
  EXPECT_EQ(lease()["renewTime"], kube::format_api_micro_time(clock->wall_now()));
  stop.request_stop();
  runner.join();

  EXPECT_EQ(outcome, LeaderElector::Outcome::stopped);
  EXPECT_EQ(events, (std::vector<std::string>{"started", "stopped holder=a", "token stopped"}));
  EXPECT_EQ(status_while_leading, 1);
  EXPECT_EQ(master_status(), 0);
  EXPECT_FALSE(a.elector.is_leader());
  EXPECT_EQ(lease()["holderIdentity"], "");
  EXPECT_EQ(lease()["leaseDurationSeconds"], 1);
}

TEST_F(LeaderElectorTest, RunWaitsForTheCurrentLeaseToExpire) {
  Candidate other(*this, "other");
  ASSERT_TRUE(other.elector.try_acquire_or_renew());
  const auto start = clock->now();

  std::atomic<bool> started{false};
  Clock::time_point started_at;
  LeaderCallbacks callbacks;
  callbacks.on_started_leading = [&](std::stop_token) {
    started_at = clock->now();
    started = true;
  };
  Candidate b(*this, "b", callbacks);
  std::stop_source stop;
  std::thread runner([&] { b.elector.run(stop.get_token()); });
  while (!started) {
    clock->await_waiters(1, true);
    if (started) break;
    clock->advance(2s);
  }
  stop.request_stop();
  runner.join();
  // Tries every 2 s; the lease seen at 0 s is valid until 15 s: acquired at 16 s.
  EXPECT_EQ(started_at - start, 16s);
  EXPECT_EQ(lease()["leaseTransitions"], 1);  // other -> b; a release is no transition
}

TEST_F(LeaderElectorTest, StopWhileCandidateNeverLeads) {
  Candidate other(*this, "other");
  ASSERT_TRUE(other.elector.try_acquire_or_renew());
  bool started = false;
  bool stopped = false;
  LeaderCallbacks callbacks;
  callbacks.on_started_leading = [&](std::stop_token) { started = true; };
  callbacks.on_stopped_leading = [&] { stopped = true; };
  Candidate b(*this, "b", callbacks);
  std::stop_source stop;
  LeaderElector::Outcome outcome{};
  std::thread runner([&] { outcome = b.elector.run(stop.get_token()); });
  clock->await_waiters(1, true);
  stop.request_stop();
  runner.join();
  EXPECT_EQ(outcome, LeaderElector::Outcome::stopped_before_leading);
  EXPECT_FALSE(started);
  EXPECT_FALSE(stopped);
  EXPECT_EQ(lease()["holderIdentity"], "other");
}

TEST_F(LeaderElectorTest, RunLosesLeadershipWhenRenewalFailsPastTheDeadline) {
  std::atomic<bool> stopped{false};
  LeaderCallbacks callbacks;
  callbacks.on_started_leading = [&](std::stop_token) { store.set_unavailable(true); };
  callbacks.on_stopped_leading = [&] { stopped = true; };
  Candidate a(*this, "a", callbacks);
  std::stop_source stop;
  LeaderElector::Outcome outcome{};
  std::thread runner([&] { outcome = a.elector.run(stop.get_token()); });
  // The deadline is 10 s after the start of the last successful renewal (the
  // acquisition at 0): attempts at +2, +4, +6, +8 fail, and at +10 it has
  // passed: five waits.
  for (int i = 0; i < 5; ++i) {
    clock->await_waiters(1, true);
    EXPECT_FALSE(stopped) << i;
    clock->advance(2s);
  }
  runner.join();
  EXPECT_EQ(outcome, LeaderElector::Outcome::lost);
  EXPECT_TRUE(stopped);
  EXPECT_EQ(store.gets, 5);  // the acquisition and four failed renewals
  EXPECT_EQ(master_status(), 0);
  store.set_unavailable(false);
  EXPECT_EQ(lease()["holderIdentity"], "a");  // a lost leader does not release
}

TEST_F(LeaderElectorTest, RunStepsDownAtOnceWhenAnotherHolderAppears) {
  bool stopped = false;
  LeaderCallbacks callbacks;
  callbacks.on_stopped_leading = [&] { stopped = true; };
  Candidate a(*this, "a", callbacks);
  std::stop_source stop;
  LeaderElector::Outcome outcome{};
  std::thread runner([&] { outcome = a.elector.run(stop.get_token()); });
  clock->await_waiters(1, true);  // leading, waiting to renew

  // Someone overwrites the lease (for example after a long pause of ours).
  LeaseLock intruder(store, "kiln-system", "kiln-operator");
  ASSERT_EQ(intruder.get().status, LeaseStoreStatus::ok);
  ASSERT_EQ(intruder.update({"c", 15, clock->wall_now(), clock->wall_now(), 1}).status,
            LeaseStoreStatus::ok);
  clock->advance(2s);
  runner.join();
  EXPECT_EQ(outcome, LeaderElector::Outcome::lost);
  EXPECT_TRUE(stopped);
  EXPECT_EQ(lease()["holderIdentity"], "c");
}

// A LeaseStore whose calls hang while stalled, as calls to an API server that
// stopped answering do: each returns an error only when its timeout is up.
class StallingLeaseStore final : public LeaseStore {
 public:
  explicit StallingLeaseStore(LeaseStore& inner) : inner_(inner) {}
  std::atomic<bool> stalled{false};
  std::atomic<int> longest_wait_ms{0};

  LeaseStoreResult get(const std::string& ns, const std::string& name, Timeout t) override {
    if (stalled) return hang(t);
    return inner_.get(ns, name, t);
  }
  LeaseStoreResult create(const std::string& ns, const nlohmann::json& l, Timeout t) override {
    if (stalled) return hang(t);
    return inner_.create(ns, l, t);
  }
  LeaseStoreResult update(const std::string& ns, const std::string& name, const nlohmann::json& l,
                          Timeout t) override {
    if (stalled) return hang(t);
    return inner_.update(ns, name, l, t);
  }

 private:
  LeaseStoreResult hang(Timeout t) {
    longest_wait_ms = std::max<int>(longest_wait_ms, static_cast<int>(t.count()));
    std::this_thread::sleep_for(t);
    return {LeaseStoreStatus::error, {}, "timed out"};
  }
  LeaseStore& inner_;
};

TEST(LeaderElectorStall, AStalledRenewalEndsLeadershipAtTheRenewDeadline) {
  InMemoryLeaseStore memory;
  StallingLeaseStore store(memory);
  LeaseLock lock(store, "kiln-system", "kiln-operator");
  LeaderElectionConfig config;
  config.identity = "a";
  config.lease_duration = 3s;
  config.renew_deadline = 1500ms;
  config.retry_period = 300ms;
  config.jitter_factor = 0;
  using SteadyClock = std::chrono::steady_clock;
  std::atomic<bool> leading{false};
  SteadyClock::time_point stopped_at{};
  LeaderCallbacks callbacks;
  callbacks.on_started_leading = [&](std::stop_token) { leading = true; };
  callbacks.on_stopped_leading = [&] { stopped_at = SteadyClock::now(); };
  LeaderElector elector(config, lock, callbacks);
  std::stop_source stop;
  LeaderElector::Outcome outcome{};
  std::thread runner([&] { outcome = elector.run(stop.get_token()); });
  while (!leading) std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(700ms);  // a couple of renewals
  // The last successful renewal started before this point; leadership must
  // end within renew_deadline of it, although no call ever returns by itself.
  const auto stalled_at = SteadyClock::now();
  store.stalled = true;
  runner.join();
  EXPECT_EQ(outcome, LeaderElector::Outcome::lost);
  const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(stopped_at - stalled_at);
  EXPECT_LE(after.count(), 1500 + 100) << "led past the renew deadline";
  EXPECT_LE(store.longest_wait_ms.load(), 1500) << "a call was given more than the deadline";
}

}  // namespace
}  // namespace kiln::runtime
