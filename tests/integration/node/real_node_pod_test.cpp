// Pods and Jobs on the real node run real containers: their output reaches
// `kubectl logs`, `kubectl exec` runs commands inside them, and a Job's
// container exit status decides whether the Job completes.
#include <string>

#include "tests/integration/node/real_node_fixture.hpp"

namespace kiln::testing {
namespace {

using RealNodePodTest = RealNodeTest;

TEST_F(RealNodePodTest, PodRunsAndLogsAndExecWork) {
  apply(pod_manifest("hello", "echo hello from $(hostname); exec sleep 3600"));
  ASSERT_TRUE(wait_ready("hello"));

  auto pod = get_json({"pod", "hello"});
  EXPECT_EQ(pod["spec"]["nodeName"], node_name());
  EXPECT_EQ(pod["status"]["phase"], "Running");

  // Logs are written by the container: the hostname is the pod's name.
  EXPECT_TRUE(eventually([&] {
    return kubectl({"logs", "hello"}).output.find("hello from hello") != std::string::npos;
  })) << kubectl({"logs", "hello"}).output;

  // exec runs inside the container's own filesystem (Debian 12) and namespaces.
  auto r = exec("hello", "cat /etc/debian_version; python3 -c 'print(6 * 7)'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.substr(0, 3), "12.") << r.output;
  EXPECT_NE(r.output.find("42"), std::string::npos) << r.output;

  // A failing command's status comes back through exec.
  EXPECT_EQ(exec("hello", "exit 3").exit_code, 3);

  // The pod's IP is on the node's bridge, not a KWOK address.
  auto ip = pod["status"].value("podIP", "");
  EXPECT_EQ(ip.rfind("10.245.0.", 0), 0u) << ip;
}

TEST_F(RealNodePodTest, JobCompletesAndFailureIsSeen) {
  auto job = [&](const std::string& name, const std::string& script) {
    nlohmann::json spec = on_real_node(
        {{"restartPolicy", "Never"}, {"containers", {script_container("main", script)}}});
    nlohmann::json job = {{"apiVersion", "batch/v1"},
                          {"kind", "Job"},
                          {"metadata", {{"name", name}}},
                          {"spec", {{"backoffLimit", 0}, {"template", {{"spec", spec}}}}}};
    apply(job.dump());
  };
  job("works", "test \"$(python3 -c 'print(6 * 7)')\" = 42");
  job("fails", "exit 1");

  auto status = [&](const std::string& name, const std::string& type) {
    for (const auto& c : get_json({"job", name})
                             .value("/status/conditions"_json_pointer, nlohmann::json::array())) {
      if (c.value("type", "") == type) return c.value("status", "");
    }
    return std::string();
  };
  EXPECT_TRUE(
      eventually([&] { return status("works", "Complete") == "True"; }, std::chrono::seconds(120)))
      << describe("job/works") << kubectl({"get", "pods", "-o", "wide"}).output;
  EXPECT_EQ(get_json({"job", "works"})["status"].value("succeeded", 0), 1);

  EXPECT_TRUE(
      eventually([&] { return status("fails", "Failed") == "True"; }, std::chrono::seconds(120)))
      << describe("job/fails");
  EXPECT_EQ(get_json({"job", "fails"})["status"].value("succeeded", 0), 0);
}

}  // namespace
}  // namespace kiln::testing
