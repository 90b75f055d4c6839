#include "tests/integration/node/real_node_fixture.hpp"

namespace kiln::testing {

void RealNodeTest::SetUp() {
  if (Cluster::shared().env.count("KILN_REAL_NODE") == 0) {
    GTEST_SKIP() << "the cluster has no real node (cluster.sh up --real-node; "
                    "configure with -DKILN_TEST_REAL_NODE=ON)";
  }
  ClusterTest::SetUp();
}

std::string RealNodeTest::placement() {
  return R"(
    nodeSelector: {kiln.dev/real-node: "true"}
    tolerations: [{key: kiln.dev/real-node, operator: Equal, value: "true", effect: NoSchedule}]
    terminationGracePeriodSeconds: 1
)";
}

std::string RealNodeTest::pod_manifest(const std::string& name, const std::string& script,
                                       const std::string& labels) const {
  nlohmann::json command = {"sh", "-c", script};
  return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", labels: " + labels +
         "}\nspec:" + placement() + "    containers:\n    - name: main\n      image: " +
         debian_image() + "\n      command: " + command.dump() + "\n";
}

bool RealNodeTest::wait_ready(const std::string& pod, std::chrono::seconds timeout) {
  auto r = kubectl({"wait", "--for=condition=Ready", "pod/" + pod,
                    "--timeout=" + std::to_string(timeout.count()) + "s"});
  if (r.exit_code == 0) return true;
  ADD_FAILURE() << "pod " << pod << " not Ready: " << r.output << describe("pod/" + pod);
  return false;
}

CommandResult RealNodeTest::exec(const std::string& pod, const std::string& script) const {
  return kubectl({"exec", pod, "--", "sh", "-c", script});
}

std::string RealNodeTest::describe(const std::string& what) const {
  return "\n" + kubectl({"describe", what}).output;
}

CommandResult host(const std::vector<std::string>& argv) { return run_command(argv); }

}  // namespace kiln::testing
