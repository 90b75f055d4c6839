// kiln-scheduler against the real control plane: the cluster's kube-scheduler
// binary with Kiln's KubeSchedulerConfiguration calls kiln-scheduler-extender,
// and pods land on the KWOK GPU, MIG and FPGA nodes where the policies say.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <thread>

#include "tests/integration/scheduler/kiln_scheduler_processes.hpp"
#include "tests/support/cluster_fixture.hpp"

namespace kiln::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string kU250 = "amd.com/xilinx_u250_gen3x16_xdma_shell_4_1-1612906017";
const std::string kBitstream = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const std::string kFilterOk =
    R"(kiln_scheduler_extender_requests_total{verb="filter",result="ok"})";
const std::string kPrioritizeOk =
    R"(kiln_scheduler_extender_requests_total{verb="prioritize",result="ok"})";

// KWOK nodes this suite adds to the shared ones (tests/cluster/nodes.yaml): a
// second A100 node to pack against, and an FPGA node with the same shell as
// kwok-fpga-u250-0 whose FPGAs already hold kBitstream.
json kwok_node(const std::string& name, const json& allocatable, const json& labels,
               const json& annotations = json::object()) {
  json alloc = {{"cpu", "32"}, {"memory", "256Gi"}, {"pods", "110"}};
  alloc.update(allocatable);
  json ann = {{"node.alpha.kubernetes.io/ttl", "0"}, {"kwok.x-k8s.io/node", "fake"}};
  ann.update(annotations);
  json l = {{"kubernetes.io/hostname", name},
            {"kubernetes.io/os", "linux"},
            {"kubernetes.io/arch", "amd64"},
            {"type", "kwok"}};
  l.update(labels);
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata", {{"name", name}, {"labels", l}, {"annotations", ann}}},
          {"status", {{"allocatable", alloc}, {"capacity", alloc}}}};
}

json suite_nodes() {
  return {{"apiVersion", "v1"},
          {"kind", "List"},
          {"items",
           {kwok_node("kiln-sched-a100-1", {{"nvidia.com/gpu", "4"}},
                      {{"nvidia.com/gpu.product", "NVIDIA-A100-SXM4-40GB"},
                       {"nvidia.com/gpu.memory", "40960"}}),
            kwok_node("kiln-sched-fpga-1", {{kU250, "2"}}, {{"kiln.dev/fpga.vendor", "xilinx"}},
                      {{"kiln.dev/fpga-bitstreams", kBitstream}})}}};
}

class SchedulerClusterTest : public ClusterTest {
 protected:
  static void SetUpTestSuite() {
    const auto& cluster = Cluster::shared();
    auto r = run_command(
        {cluster.var("KUBECTL"), "--kubeconfig", cluster.var("KUBECONFIG"), "apply", "-f", "-"},
        suite_nodes().dump());
    ASSERT_EQ(r.exit_code, 0) << r.output;
    r = run_command({cluster.var("KUBECTL"), "--kubeconfig", cluster.var("KUBECONFIG"), "wait",
                     "--for=condition=Ready", "node/kiln-sched-a100-1", "node/kiln-sched-fpga-1",
                     "--timeout=120s"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    processes_ =
        std::make_unique<KilnSchedulerProcesses>(cluster, cluster.dir + "/kiln-scheduler-test");
  }

  static void TearDownTestSuite() {
    processes_.reset();
    const auto& cluster = Cluster::shared();
    run_command({cluster.var("KUBECTL"), "--kubeconfig", cluster.var("KUBECONFIG"), "delete",
                 "node", "kiln-sched-a100-1", "kiln-sched-fpga-1", "--ignore-not-found"});
  }

  void TearDown() override {
    // Free the shared GPU/FPGA nodes for the next test before the namespace goes.
    kubectl({"delete", "pods", "--all", "--grace-period=0", "--force", "--wait=true"});
    ClusterTest::TearDown();
  }

  KilnSchedulerProcesses& processes() { return *processes_; }

  void create_pod(const std::string& name, const json& resources, const json& annotations = {},
                  const std::string& scheduler = "kiln-scheduler") {
    json res = {{"cpu", "100m"}, {"memory", "64Mi"}};
    if (resources.is_object()) res.update(resources);
    json pod = {{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", {{"name", name}}},
                {"spec",
                 {{"schedulerName", scheduler},
                  {"containers",
                   {{{"name", "main"},
                     {"image", "registry.invalid/model:1"},
                     {"resources", {{"requests", res}, {"limits", res}}}}}}}}};
    if (annotations.is_object()) pod["metadata"]["annotations"] = annotations;
    apply(pod.dump());
  }

  std::string node_of(const std::string& pod) {
    auto r = kubectl({"get", "pod", pod, "-o", "jsonpath={.spec.nodeName}"});
    return r.exit_code == 0 ? r.output : "";
  }

  // Waits until the pod is bound; its node, or "" on timeout.
  std::string wait_bound(const std::string& pod, std::chrono::milliseconds timeout = 60s) {
    std::string node;
    eventually([&] { return !(node = node_of(pod)).empty(); }, timeout, 100ms);
    return node;
  }

  // Creates the pod and waits until it is bound and the extender's pod cache
  // has seen the binding (its next decision counts this pod).
  std::string schedule(const std::string& name, const json& resources, const json& annotations) {
    const double before = processes().metric("kiln_scheduler_extender_cache_pods");
    create_pod(name, resources, annotations);
    std::string node = wait_bound(name);
    eventually([&] { return processes().metric("kiln_scheduler_extender_cache_pods") > before; },
               10s, 50ms);
    return node;
  }

  // The messages of the pod's FailedScheduling events.
  std::string failed_scheduling(const std::string& pod) {
    auto r = kubectl({"get", "events", "--field-selector",
                      "reason=FailedScheduling,involvedObject.name=" + pod, "-o",
                      "jsonpath={range .items[*]}{.message}{\"\\n\"}{end}"});
    return r.output;
  }

  static inline std::unique_ptr<KilnSchedulerProcesses> processes_;
};

TEST_F(SchedulerClusterTest, GpuPodsPackOntoTheUsedNodeUntilFull) {
  const double filters = processes().metric(kFilterOk);
  const double priorities = processes().metric(kPrioritizeOk);
  std::map<std::string, int> per_node;
  std::vector<std::string> order;
  for (int i = 0; i < 8; ++i) {
    std::string name = "gpu-" + std::to_string(i);
    std::string node =
        schedule(name, {{"nvidia.com/gpu", "1"}}, {{"kiln.dev/gpu-product", "A100"}});
    ASSERT_FALSE(node.empty()) << name << " not scheduled\n" << failed_scheduling(name);
    order.push_back(node);
    ++per_node[node];
  }
  // The first four fill one A100 node, the next four the other: packed, not spread.
  for (int i = 1; i < 4; ++i) EXPECT_EQ(order[i], order[0]) << "pod " << i;
  for (int i = 5; i < 8; ++i) EXPECT_EQ(order[i], order[4]) << "pod " << i;
  EXPECT_NE(order[0], order[4]);
  EXPECT_EQ(per_node.size(), 2u);
  for (const auto& [node, count] : per_node) {
    EXPECT_TRUE(node == "kwok-gpu-a100-0" || node == "kiln-sched-a100-1") << node;
    EXPECT_EQ(count, 4) << node;
  }
  // Every pod went through the extender's filter; prioritize is called when
  // more than one node is left (not once one A100 node is full).
  EXPECT_GE(processes().metric(kFilterOk), filters + 8);
  EXPECT_GE(processes().metric(kPrioritizeOk), priorities + 4);
}

TEST_F(SchedulerClusterTest, ProductConstraintsAreKept) {
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(schedule("t4-" + std::to_string(i), {{"nvidia.com/gpu", "1"}},
                       {{"kiln.dev/gpu-product", "T4"}}),
              "kwok-gpu-t4-0");
    std::string node = schedule("a100-" + std::to_string(i), {{"nvidia.com/gpu", "1"}},
                                {{"kiln.dev/gpu-product", "A100"}});
    EXPECT_TRUE(node == "kwok-gpu-a100-0" || node == "kiln-sched-a100-1") << node;
  }
  // The T4 node is full; free A100s do not take a T4-only pod.
  create_pod("t4-2", {{"nvidia.com/gpu", "1"}}, {{"kiln.dev/gpu-product", "T4"}});
  EXPECT_TRUE(eventually([&] { return !failed_scheduling("t4-2").empty(); }));
  EXPECT_EQ(node_of("t4-2"), "");
  EXPECT_NE(failed_scheduling("t4-2").find("kiln: GPU NVIDIA-A100-SXM4-40GB is not T4"),
            std::string::npos)
      << failed_scheduling("t4-2");
  // Memory: 20 GiB per GPU rules the T4s out (they have 15 GiB).
  std::string big =
      schedule("big-memory", {{"nvidia.com/gpu", "1"}}, {{"kiln.dev/gpu-memory-min", "20Gi"}});
  EXPECT_TRUE(big == "kwok-gpu-a100-0" || big == "kiln-sched-a100-1") << big;
}

TEST_F(SchedulerClusterTest, ImpossiblePodStaysPendingWithTheExtendersReason) {
  create_pod("h100", {{"nvidia.com/gpu", "1"}}, {{"kiln.dev/gpu-product", "H100"}});
  ASSERT_TRUE(eventually([&] { return !failed_scheduling("h100").empty(); }));
  const std::string message = failed_scheduling("h100");
  EXPECT_NE(message.find("kiln: GPU NVIDIA-A100-SXM4-40GB is not H100"), std::string::npos)
      << message;
  EXPECT_NE(message.find("kiln: GPU Tesla-T4 is not H100"), std::string::npos) << message;
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(node_of("h100"), "");
}

TEST_F(SchedulerClusterTest, MigPodLandsOnTheMigNode) {
  EXPECT_EQ(schedule("mig-0", {{"nvidia.com/mig-1g.5gb", "1"}}, {}), "kwok-gpu-mig-0");
  EXPECT_EQ(schedule("mig-1", {{"nvidia.com/mig-1g.5gb", "2"}}, {}), "kwok-gpu-mig-0");
}

TEST_F(SchedulerClusterTest, FpgaPodsFollowTheirBitstreamThenACompatibleNode) {
  const json bitstream = {{"kiln.dev/fpga-bitstream", kBitstream}};
  // kiln-sched-fpga-1 holds the bitstream (node annotation): both its FPGAs go first.
  EXPECT_EQ(schedule("fpga-0", {{kU250, "1"}}, bitstream), "kiln-sched-fpga-1");
  EXPECT_EQ(schedule("fpga-1", {{kU250, "1"}}, bitstream), "kiln-sched-fpga-1");
  // Full: the next one goes to the other node with a compatible shell.
  EXPECT_EQ(schedule("fpga-2", {{kU250, "1"}}, bitstream), "kwok-fpga-u250-0");
}

TEST_F(SchedulerClusterTest, BitstreamRememberedFromThePodCache) {
  // A pod that ran bitstream B on kwok-fpga-u250-0 (bound there directly)...
  const std::string other = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", "earlier"}, {"annotations", {{"kiln.dev/fpga-bitstream", other}}}}},
      {"spec",
       {{"nodeName", "kwok-fpga-u250-0"},
        {"containers",
         {{{"name", "main"},
           {"image", "registry.invalid/model:1"},
           {"resources", {{"limits", {{kU250, "1"}}}}}}}}}}};
  apply(pod.dump());
  ASSERT_TRUE(
      eventually([&] { return processes().metric("kiln_scheduler_extender_cache_pods") > 0; }));
  kubectl({"delete", "pod", "earlier", "--grace-period=0", "--force", "--wait=true"});
  // ...makes it the preferred node for the next pod with B, though it has gone.
  EXPECT_EQ(schedule("later", {{kU250, "1"}}, {{"kiln.dev/fpga-bitstream", other}}),
            "kwok-fpga-u250-0");
}

TEST_F(SchedulerClusterTest, DefaultSchedulerPodsAreUnaffected) {
  const double filters = processes().metric(kFilterOk);
  create_pod("default-gpu", {{"nvidia.com/gpu", "1"}}, {{"kiln.dev/gpu-product", "H100"}},
             "default-scheduler");
  create_pod("default-plain", {}, {}, "default-scheduler");
  EXPECT_FALSE(wait_bound("default-gpu").empty());  // the annotation means nothing to it
  EXPECT_FALSE(wait_bound("default-plain").empty());
  EXPECT_EQ(processes().metric(kFilterOk), filters);
  // A pod without accelerators on kiln-scheduler passes the extender untouched.
  create_pod("kiln-plain", {}, {});
  EXPECT_FALSE(wait_bound("kiln-plain").empty());
  EXPECT_EQ(processes().metric(kFilterOk), filters + 1);
}

TEST_F(SchedulerClusterTest, PodsWaitForAKilledExtenderAndThenScheduleCorrectly) {
  processes().kill_extender();
  create_pod("during-t4", {{"nvidia.com/gpu", "1"}}, {{"kiln.dev/gpu-product", "T4"}});
  create_pod("during-a100", {{"nvidia.com/gpu", "2"}}, {{"kiln.dev/gpu-product", "A100"}});
  ASSERT_TRUE(eventually([&] { return !failed_scheduling("during-t4").empty(); }, 30s))
      << processes().scheduler_log();
  std::this_thread::sleep_for(3s);
  // ignorable: false: nothing is placed while the extender is away.
  EXPECT_EQ(node_of("during-t4"), "");
  EXPECT_EQ(node_of("during-a100"), "");
  processes().start_extender();
  EXPECT_EQ(wait_bound("during-t4", 90s), "kwok-gpu-t4-0") << processes().scheduler_log();
  std::string node = wait_bound("during-a100", 90s);
  EXPECT_TRUE(node == "kwok-gpu-a100-0" || node == "kiln-sched-a100-1") << node;
}

}  // namespace
}  // namespace kiln::testing

namespace kiln::testing {
namespace {

// manifests/scheduler (ConfigMap from the same configuration file the tests
// run, Deployment, RBAC) is accepted by the real API server.
TEST_F(SchedulerClusterTest, ManifestsPassServerSideValidation) {
  const auto& c = cluster();
  auto ns = run_command({c.var("KUBECTL"), "--kubeconfig", c.var("KUBECONFIG"), "create",
                         "namespace", "kiln-system"});
  auto r = run_command({c.var("KUBECTL"), "--kubeconfig", c.var("KUBECONFIG"), "apply",
                        "--dry-run=server", "-k", KILN_SCHEDULER_MANIFESTS});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("deployment.apps/kiln-scheduler created (server dry run)"),
            std::string::npos)
      << r.output;
  if (ns.exit_code == 0) {
    run_command({c.var("KUBECTL"), "--kubeconfig", c.var("KUBECONFIG"), "delete", "namespace",
                 "kiln-system", "--wait=false"});
  }
}

}  // namespace
}  // namespace kiln::testing
