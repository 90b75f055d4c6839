// A leader whose API server stops answering must stop reconciling before a
// standby takes over. A loopback proxy sits in front of the leader only (a
// stalled API server would stall the standby too); when it stops forwarding,
// the leader can neither renew its Lease nor finish its calls, the standby
// takes the Lease once it expires, and at no instant may both reconcile.
// Each replica logs its reconciles' start and end times (one monotonic clock
// for the machine); the intervals of the two must never overlap. There is no
// fencing in the API, so this is what can be checked.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/manager/sample_operator_fixture.hpp"
#include "tests/integration/manager/stallable_proxy.hpp"

namespace kiln::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Interval = std::pair<long long, long long>;  // steady clock, ns

std::vector<Interval> read_intervals(const std::string& path) {
  std::vector<Interval> out;
  std::ifstream in(path);
  for (long long a = 0, b = 0; in >> a >> b;) out.emplace_back(a, b);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class LeaderStallTest : public SampleOperatorTest {
 protected:
  OperatorReplica replica(const std::string& identity, const std::string& kubeconfig = "") {
    return start_replica(
        {"--leader-elect", "--lease-namespace", ns(), "--lease-name", "sample-operator",
         "--identity", identity, "--reconcile-log", log_path(identity)},
        identity, kubeconfig);
  }
  std::string log_path(const std::string& identity) const {
    return cluster().dir + "/" + ns() + "-" + identity + ".reconciles";
  }
  static bool leads(const OperatorReplica& r) {
    return r.metric("leader_election_master_status") == 1;
  }
  // The cluster's kubeconfig with the server replaced by the proxy.
  std::string proxied_kubeconfig(unsigned short proxy_port) const {
    std::string text = read_file(cluster().var("KUBECONFIG"));
    const std::string server = cluster().var("APISERVER_URL");
    const std::string proxied = "https://127.0.0.1:" + std::to_string(proxy_port);
    for (auto at = text.find(server); at != std::string::npos; at = text.find(server, at)) {
      text.replace(at, server.size(), proxied);
      at += proxied.size();
    }
    std::string path = cluster().dir + "/" + ns() + "-proxied.kubeconfig";
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(LeaderStallTest, AStalledLeaderStopsReconcilingBeforeTheStandbyStarts) {
  const std::string server = cluster().var("APISERVER_URL");
  const auto port = static_cast<unsigned short>(std::stoi(server.substr(server.rfind(':') + 1)));
  StallableProxy proxy("127.0.0.1", port);
  for (const char* id : {"leader", "standby"}) std::remove(log_path(id).c_str());

  auto a = replica("leader", proxied_kubeconfig(proxy.port()));
  ASSERT_TRUE(eventually([&] { return leads(a); }, seconds(30))) << a.process->log();
  auto b = replica("standby");
  ASSERT_TRUE(eventually([&] { return b.ready(); }, seconds(30))) << b.process->log();
  ASSERT_FALSE(leads(b));

  // Keep both replicas' queues busy: change a Widget's spec every 50 ms.
  constexpr int kCount = 10;
  for (int i = 0; i < kCount; ++i) {
    client_->create(kWidgets, widget("w" + std::to_string(i), {{"v", "0"}}));
  }
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    for (int n = 1; writing; ++n) {
      try {
        client_->patch(kWidgets, ns(), "w" + std::to_string(n % kCount), kube::PatchType::kMerge,
                       {{"spec", {{"data", {{"v", std::to_string(n)}}}}}});
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
  });
  std::this_thread::sleep_for(seconds(3));
  ASSERT_GT(read_intervals(log_path("leader")).size(), 0u) << a.process->log();

  proxy.stall();
  const auto stalled = std::chrono::steady_clock::now();
  const bool took_over = eventually([&] { return leads(b); }, seconds(45), milliseconds(100));
  const double takeover =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - stalled).count();
  // Let the new leader reconcile a while, with the old one still stalled.
  std::this_thread::sleep_for(seconds(5));
  writing = false;
  writer.join();
  ASSERT_TRUE(took_over) << b.process->log();
  std::printf("standby took over %.1f s after the leader's API server stalled\n", takeover);

  // The stalled leader notices on its own and exits (lost leadership: 1).
  auto code = a.process->wait_for_exit(seconds(40));
  proxy.resume();
  ASSERT_TRUE(code.has_value()) << "the stalled leader is still running\n" << a.process->log();
  EXPECT_EQ(*code, 1) << a.process->log();

  auto old_leader = read_intervals(log_path("leader"));
  auto new_leader = read_intervals(log_path("standby"));
  ASSERT_FALSE(new_leader.empty()) << b.process->log();
  long long last_end = 0;
  for (const auto& [s, e] : old_leader) last_end = std::max(last_end, e);
  long long first_start = new_leader.front().first;
  for (const auto& [s, e] : new_leader) first_start = std::min(first_start, s);
  std::printf("old leader: %zu reconciles, its last ended %.2f s before the new leader's first\n",
              old_leader.size(), (first_start - last_end) / 1e9);
  int overlaps = 0;
  for (const auto& x : old_leader) {
    for (const auto& y : new_leader) overlaps += x.first < y.second && y.first < x.second;
  }
  EXPECT_EQ(overlaps, 0) << "both replicas reconciled at the same time; the old leader's last "
                            "reconcile ended "
                         << (last_end - first_start) / 1e9
                         << " s after the new leader's first began\n"
                         << a.process->log();
}

// SIGTERM must stop an operator within seconds even while its API server
// does not answer: the calls in flight (a reconcile's apply, a list, the
// Lease release) are aborted or bounded instead of waiting out the client's
// 30 s timeout.
TEST_F(LeaderStallTest, SigtermWhileTheApiServerStallsStopsWithinSeconds) {
  const std::string server = cluster().var("APISERVER_URL");
  const auto port = static_cast<unsigned short>(std::stoi(server.substr(server.rfind(':') + 1)));
  StallableProxy proxy("127.0.0.1", port);
  std::remove(log_path("stalled").c_str());
  auto a = replica("stalled", proxied_kubeconfig(proxy.port()));
  ASSERT_TRUE(eventually([&] { return leads(a); }, seconds(30))) << a.process->log();

  constexpr int kCount = 10;
  for (int i = 0; i < kCount; ++i) {
    client_->create(kWidgets, widget("w" + std::to_string(i), {{"v", "0"}}));
  }
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    for (int n = 1; writing; ++n) {
      try {
        client_->patch(kWidgets, ns(), "w" + std::to_string(n % kCount), kube::PatchType::kMerge,
                       {{"spec", {{"data", {{"v", std::to_string(n)}}}}}});
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
  });
  // Until a reconcile is caught in flight by the stall.
  std::this_thread::sleep_for(seconds(3));
  proxy.stall();
  std::this_thread::sleep_for(seconds(1));
  writing = false;
  writer.join();

  const auto term = std::chrono::steady_clock::now();
  a.process->signal(SIGTERM);
  auto code = a.process->wait_for_exit(seconds(40));
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - term).count();
  proxy.resume();
  std::printf("exited %.1f s after SIGTERM with its API server stalled\n", took);
  ASSERT_TRUE(code.has_value()) << a.process->log();
  // Aborting a call in flight takes up to a second (libcurl calls the progress
  // callback about once a second on an idle transfer), the bounded release 1 s.
  EXPECT_LE(took, 8.0) << a.process->log();
}

}  // namespace
}  // namespace kiln::testing
