// The control plane the integration tests run against is real Kubernetes:
// controllers create pods, the scheduler places them by resources, KWOK runs
// them, and the garbage collector follows ownerReferences.
#include <string>

#include "tests/support/cluster_fixture.hpp"

namespace kiln::testing {
namespace {

using nlohmann::json;

class ClusterSmokeTest : public ClusterTest {
 protected:
  // The `status` of a condition of the given type, or "" when absent.
  static std::string condition(const json& obj, const std::string& type) {
    for (const auto& c : obj.value("/status/conditions"_json_pointer, json::array())) {
      if (c.value("type", "") == type) return c.value("status", "");
    }
    return "";
  }

  // Applies a Deployment of `replicas` pods labelled app=<name>, with the given
  // container resources, and waits until all are Ready.
  void deploy_and_wait(const std::string& name, int replicas,
                       const json& resources = json::object()) {
    json container = {
        {"name", "main"}, {"image", "registry.invalid/" + name + ":1"}, {"resources", resources}};
    json deployment = {{"apiVersion", "apps/v1"},
                       {"kind", "Deployment"},
                       {"metadata", {{"name", name}}},
                       {"spec",
                        {{"replicas", replicas},
                         {"selector", {{"matchLabels", {{"app", name}}}}},
                         {"template",
                          {{"metadata", {{"labels", {{"app", name}}}}},
                           {"spec", {{"containers", json::array({container})}}}}}}}};
    apply(deployment.dump());  // kubectl reads JSON as well as YAML
    ASSERT_TRUE(eventually([&] {
      return get_json({"deployment", name}).value("/status/readyReplicas"_json_pointer, 0) ==
             replicas;
    })) << kubectl({"get", "pods", "-o", "wide"}).output;
  }
};

TEST_F(ClusterSmokeTest, DeploymentPodsBecomeReadyOnKwokNodes) {
  deploy_and_wait("web", 3);
  if (HasFatalFailure()) return;

  auto pods = get_json({"pods", "-l", "app=web"})["items"];
  ASSERT_EQ(pods.size(), 3u);
  for (const auto& pod : pods) {
    EXPECT_EQ(pod["status"]["phase"], "Running");
    EXPECT_EQ(condition(pod, "Ready"), "True");
    auto node = get_json({"node", pod["spec"]["nodeName"].get<std::string>()});
    EXPECT_EQ(node["metadata"]["annotations"].value("kwok.x-k8s.io/node", ""), "fake");
  }
}

TEST_F(ClusterSmokeTest, JobRunsToCompletion) {
  apply(R"(
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  completions: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: once, image: registry.invalid/once:1}]
)");
  ASSERT_TRUE(eventually([&] {
    return condition(get_json({"job", "once"}), "Complete") == "True";
  })) << kubectl({"get", "job,pods", "-o", "wide"}).output;
  EXPECT_EQ(get_json({"job", "once"})["status"].value("succeeded", 0), 2);
}

TEST_F(ClusterSmokeTest, GarbageCollectorDeletesOwnedObjects) {
  apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: owner}\n");
  auto uid = get_json({"configmap", "owner"})["metadata"]["uid"].get<std::string>();
  apply(R"(
apiVersion: v1
kind: ConfigMap
metadata:
  name: child
  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: owner, uid: )" +
        uid + R"(, controller: true, blockOwnerDeletion: true}
)");
  ASSERT_EQ(kubectl({"get", "configmap", "child"}).exit_code, 0);

  auto r = kubectl({"delete", "configmap", "owner"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(eventually([&] {
    auto got = kubectl({"get", "configmap", "child"});
    return got.exit_code != 0 && got.output.find("NotFound") != std::string::npos;
  })) << "child survived its owner";
}

TEST_F(ClusterSmokeTest, GpuPodIsScheduledOnlyOnGpuNodes) {
  deploy_and_wait("gpu", 4, {{"limits", {{"nvidia.com/gpu", 1}}}});
  if (HasFatalFailure()) return;

  const auto pods = get_json({"pods", "-l", "app=gpu"});
  for (const auto& pod : pods["items"]) {
    auto node = get_json({"node", pod["spec"]["nodeName"].get<std::string>()});
    EXPECT_TRUE(node["status"]["allocatable"].contains("nvidia.com/gpu"))
        << pod["spec"]["nodeName"] << " has no GPU";
  }
}

TEST_F(ClusterSmokeTest, PodAskingForMoreGpusThanAnyNodeHasStaysPending) {
  apply(R"(
apiVersion: v1
kind: Pod
metadata: {name: greedy}
spec:
  containers:
  - name: greedy
    image: registry.invalid/gpu:1
    resources: {limits: {nvidia.com/gpu: 64}}
)");
  ASSERT_TRUE(eventually([&] {
    return condition(get_json({"pod", "greedy"}), "PodScheduled") == "False";
  }));
  auto pod = get_json({"pod", "greedy"});
  EXPECT_EQ(pod["status"]["phase"], "Pending");
  EXPECT_FALSE(pod["spec"].contains("nodeName"));
}

}  // namespace
}  // namespace kiln::testing
