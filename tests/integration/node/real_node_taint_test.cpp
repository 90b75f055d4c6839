// The real node is tainted: pods that do not tolerate kiln.dev/real-node never
// land on it, even when it is the node they select; KWOK nodes take them.
#include <string>

#include "tests/integration/node/real_node_fixture.hpp"

namespace kiln::testing {
namespace {

using RealNodeTaintTest = RealNodeTest;

TEST_F(RealNodeTaintTest, PodsWithoutTheTolerationNeverLandOnTheRealNode) {
  auto node = get_json({"node", node_name()});
  bool tainted = false;
  for (const auto& t : node["spec"].value("taints", nlohmann::json::array())) {
    tainted |= t.value("key", "") == "kiln.dev/real-node" && t.value("effect", "") == "NoSchedule";
  }
  EXPECT_TRUE(tainted) << node["spec"].dump();

  apply(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: many}
spec:
  replicas: 30
  selector: {matchLabels: {app: many}}
  template:
    metadata: {labels: {app: many}}
    spec:
      containers: [{name: main, image: registry.invalid/many:1}]
)");
  // Selecting the real node without tolerating its taint: unschedulable.
  apply(R"(
apiVersion: v1
kind: Pod
metadata: {name: wants-real-node}
spec:
  nodeSelector: {kiln.dev/real-node: "true"}
  containers: [{name: main, image: registry.invalid/wants:1}]
)");
  ASSERT_TRUE(eventually(
      [&] {
        return get_json({"deployment", "many"}).value("/status/readyReplicas"_json_pointer, 0) ==
               30;
      },
      std::chrono::seconds(120)))
      << kubectl({"get", "pods", "-o", "wide"}).output;

  const auto all_pods = get_json({"pods"});
  for (const auto& pod : all_pods["items"]) {
    const auto name = pod["metadata"].value("name", "");
    EXPECT_NE(pod["spec"].value("nodeName", ""), node_name()) << name;
  }
  EXPECT_TRUE(eventually([&] {
    return describe("pod/wants-real-node").find("untolerated taint") != std::string::npos;
  })) << describe("pod/wants-real-node");
  EXPECT_EQ(get_json({"pod", "wants-real-node"})["status"].value("phase", ""), "Pending");
}

}  // namespace
}  // namespace kiln::testing
