#include "tests/integration/node/real_node_fixture.hpp"

#include <fstream>

namespace kiln::testing {

void RealNodeTest::SetUp() {
  if (Cluster::shared().env.count("KILN_REAL_NODE") == 0) {
    GTEST_SKIP() << "the cluster has no real node (cluster.sh up --real-node; "
                    "configure with -DKILN_TEST_REAL_NODE=ON)";
  }
  ClusterTest::SetUp();
}

nlohmann::json RealNodeTest::on_real_node(nlohmann::json spec) {
  spec["nodeSelector"] = {{"kiln.dev/real-node", "true"}};
  spec["tolerations"] = nlohmann::json::array({{{"key", "kiln.dev/real-node"},
                                                {"operator", "Equal"},
                                                {"value", "true"},
                                                {"effect", "NoSchedule"}}});
  spec["terminationGracePeriodSeconds"] = 1;
  // No cluster DNS here: pods get no resolver rather than a warning per start.
  spec["dnsPolicy"] = "Default";
  return spec;
}

nlohmann::json RealNodeTest::script_container(const std::string& name,
                                              const std::string& script) const {
  return {{"name", name}, {"image", debian_image()}, {"command", {"sh", "-c", script}}};
}

std::string RealNodeTest::pod_manifest(const std::string& name, const std::string& script,
                                       const nlohmann::json& labels) const {
  nlohmann::json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", name}, {"labels", labels}}},
      {"spec", on_real_node({{"containers", {script_container("main", script)}}})}};
  return pod.dump();
}

bool RealNodeTest::wait_ready(const std::string& pod, std::chrono::seconds timeout) {
  auto r = kubectl({"wait", "--for=condition=Ready", "pod/" + pod,
                    "--timeout=" + std::to_string(timeout.count()) + "s"});
  if (r.exit_code == 0) return true;
  ADD_FAILURE() << "pod " << pod << " not Ready: " << r.output << describe("pod/" + pod)
                << kubectl({"logs", pod, "--all-containers", "--previous"}).output;
  return false;
}

CommandResult RealNodeTest::exec(const std::string& pod, const std::string& script) const {
  return kubectl({"exec", pod, "--", "sh", "-c", script});
}

int RealNodeTest::blob_fetches(const std::string& repository, const std::string& blob) const {
  std::ifstream log(cluster().dir + "/logs/registry.log");
  const std::string request = "\"GET /v2/" + repository + "/blobs/" + blob + " ";
  int count = 0;
  for (std::string line; std::getline(log, line);) {
    if (line.find(request) != std::string::npos && line.find("\" 200 ") != std::string::npos) {
      ++count;
    }
  }
  return count;
}

std::string RealNodeTest::describe(const std::string& what) const {
  return "\n" + kubectl({"describe", what}).output;
}

CommandResult host(const std::vector<std::string>& argv) {
  return run_command(argv);
}

}  // namespace kiln::testing
