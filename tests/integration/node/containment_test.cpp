// The real node's traffic stays on this machine (tests/cluster/node/network.sh):
// the Service, KWOK-pod and node-pod ranges are routed into the node's bridge,
// and DROP rules in chains of our own stop whatever kube-proxy did not
// translate. A request to an unassigned Service IP, from the host or from a
// pod, is dropped here (the rule's counter rises) and never answered.
#include <sstream>
#include <string>

#include "tests/integration/node/real_node_fixture.hpp"

namespace kiln::testing {
namespace {

class ContainmentTest : public RealNodeTest {
 protected:
  // Packets the DROP rule with this comment in `chain` has matched so far.
  static long dropped(const std::string& chain, const std::string& comment) {
    auto r = host({"iptables", "-w", "10", "-xvnL", chain});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::istringstream lines(r.output);
    for (std::string line; std::getline(lines, line);) {
      if (line.find("/* kiln: " + comment + " */") == std::string::npos) continue;
      return std::stol(line);
    }
    ADD_FAILURE() << "no rule '" << comment << "' in " << chain << ":\n" << r.output;
    return -1;
  }

  const std::string& out_chain() const { return cluster().var("KILN_CONTAIN_OUT_CHAIN"); }
  const std::string& fwd_chain() const { return cluster().var("KILN_CONTAIN_FWD_CHAIN"); }

  // An address in the Service range that no Service has.
  std::string unassigned_service_ip() {
    const std::string ip = "10.96.255.254";
    auto r = host({cluster().var("KUBECTL"), "--kubeconfig", cluster().var("KUBECONFIG"), "get",
                   "services", "-A", "-o", "jsonpath={.items[*].spec.clusterIP}"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output.find(ip), std::string::npos) << ip << " is assigned";
    return ip;
  }
};

TEST_F(ContainmentTest, RulesAndRoutesAreInPlace) {
  EXPECT_EQ(host({"iptables", "-w", "10", "-C", "OUTPUT", "-j", out_chain()}).exit_code, 0);
  EXPECT_EQ(host({"iptables", "-w", "10", "-C", "FORWARD", "-j", fwd_chain()}).exit_code, 0);
  const auto& bridge = cluster().var("KILN_NODE_BRIDGE");
  // Whatever comes in from the bridge and would be routed anywhere else is
  // dropped (not tried with real traffic: that would leave the machine if broken).
  EXPECT_EQ(host({"iptables", "-w", "10", "-C", fwd_chain(), "-i", bridge, "-m", "comment",
                  "--comment", "kiln: node pods stay local", "-j", "DROP"})
                .exit_code,
            0);
  for (const std::string ip : {"10.96.255.254", "10.244.7.7", "10.245.0.200"}) {
    auto r = host({"ip", "route", "get", ip});
    EXPECT_NE(r.output.find(" dev " + bridge + " "), std::string::npos) << ip << ": " << r.output;
  }
}

TEST_F(ContainmentTest, UnassignedServiceIpFromTheHostIsDroppedLocally) {
  const auto ip = unassigned_service_ip();
  const long before = dropped(out_chain(), "no such Service");
  auto r = host({"curl", "-sS", "--max-time", "2", "http://" + ip + "/"});
  // 28: timed out. Not 7 (refused: something answered) and not 0.
  EXPECT_EQ(r.exit_code, 28) << r.output;
  EXPECT_GT(dropped(out_chain(), "no such Service"), before);
}

TEST_F(ContainmentTest, KwokPodIpFromTheHostIsDroppedLocally) {
  const long before = dropped(out_chain(), "KWOK pods run nowhere");
  auto r = host({"curl", "-sS", "--max-time", "2", "http://10.244.7.7/"});
  EXPECT_EQ(r.exit_code, 28) << r.output;
  EXPECT_GT(dropped(out_chain(), "KWOK pods run nowhere"), before);
}

TEST_F(ContainmentTest, UnassignedServiceIpFromAPodIsDroppedLocally) {
  const auto ip = unassigned_service_ip();
  apply(pod_manifest("probe", "exec sleep 3600"));
  ASSERT_TRUE(wait_ready("probe"));
  const long before = dropped(fwd_chain(), "no such Service");
  auto r = exec("probe", "python3 -c \"import socket; socket.create_connection(('" + ip +
                             "', 80), timeout=2)\"");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("timed out"), std::string::npos) << r.output;
  EXPECT_GT(dropped(fwd_chain(), "no such Service"), before);
}

}  // namespace
}  // namespace kiln::testing
