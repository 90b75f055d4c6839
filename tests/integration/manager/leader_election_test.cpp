// Two replicas of an operator contend for one Lease: exactly one leads (and
// only it reconciles); SIGKILL of the leader hands over once the Lease expires;
// SIGTERM hands over at once, because the leader releases the Lease.
#include <chrono>
#include <cstdio>

#include "tests/integration/manager/sample_operator_fixture.hpp"

namespace kiln::testing {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

class LeaderElectionTest : public SampleOperatorTest {
 protected:
  OperatorReplica replica(const std::string& identity) {
    return start_replica({"--leader-elect", "--lease-namespace", ns(), "--lease-name",
                          "sample-operator", "--identity", identity},
                         identity);
  }
  static bool leads(const OperatorReplica& r) {
    return r.metric("leader_election_master_status") == 1;
  }
  std::string holder() const {
    auto r = kubectl({"get", "lease", "sample-operator", "-o", "jsonpath={.spec.holderIdentity}"});
    return r.exit_code == 0 ? r.output : "";
  }
  // Seconds until `r` leads, or a negative number after `limit`.
  static double seconds_until_leading(const OperatorReplica& r, seconds limit) {
    const auto start = Clock::now();
    if (!eventually([&] { return leads(r); }, limit, std::chrono::milliseconds(50))) return -1;
    return std::chrono::duration<double>(Clock::now() - start).count();
  }
};

TEST_F(LeaderElectionTest, ExactlyOneLeadsAndHandsOverOnKillAndOnTerm) {
  auto a = replica("replica-a");
  auto b = replica("replica-b");
  ASSERT_TRUE(eventually([&] { return leads(a) || leads(b); }, seconds(30)))
      << a.process->log() << b.process->log();
  ASSERT_TRUE(eventually([&] { return a.ready() && b.ready(); }, seconds(30)));
  EXPECT_NE(leads(a), leads(b)) << "both or neither lead";

  OperatorReplica* leader = leads(a) ? &a : &b;
  OperatorReplica* standby = leads(a) ? &b : &a;
  EXPECT_EQ(holder(), leads(a) ? "replica-a" : "replica-b");

  // Only the leader reconciles; the standby keeps a warm cache and is ready.
  client_->create(kWidgets, widget("w", {{"k", "v"}}));
  ASSERT_TRUE(eventually([&] {
    return kubectl({"get", "configmap", "w"}).exit_code == 0;
  })) << leader->process->log();
  EXPECT_GT(leader->metric("controller_runtime_reconcile_total"), 0);
  EXPECT_EQ(standby->metric("controller_runtime_reconcile_total"), 0);

  // SIGKILL: nothing is released, so the standby waits out the Lease (15 s).
  leader->process->signal(SIGKILL);
  double after_kill = seconds_until_leading(*standby, seconds(30));
  std::printf("takeover after SIGKILL of the leader: %.1f s (lease duration 15 s)\n", after_kill);
  ASSERT_GT(after_kill, 0) << standby->process->log();
  // A standby counts the 15 s from when it saw the last renewal, which its
  // jittered polling (2-4.4 s) may see late, and then takes over at its next poll.
  EXPECT_LE(after_kill, 15.0 + 2 * 4.4) << "longer than the lease duration plus two retries";

  // A fresh replica joins as standby; SIGTERM of the leader releases the
  // Lease, and the standby takes it at its next retry (2 s, jittered).
  std::swap(leader, standby);
  auto c = replica("replica-c");
  ASSERT_TRUE(eventually([&] { return c.ready(); }, seconds(30))) << c.process->log();
  EXPECT_FALSE(leads(c));
  leader->process->signal(SIGTERM);
  double after_term = seconds_until_leading(c, seconds(30));
  std::printf("takeover after SIGTERM of the leader: %.1f s\n", after_term);
  ASSERT_GT(after_term, 0) << c.process->log();
  EXPECT_LE(after_term, 4.4 + 1) << "the Lease was not released";
  auto code = leader->process->wait_for_exit(seconds(20));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << leader->process->log();
  EXPECT_EQ(holder(), "replica-c");
}

}  // namespace
}  // namespace kiln::testing
