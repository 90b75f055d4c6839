// An image build in the cluster, for real: a kaniko Job on the real node
// (unprivileged) builds a Dockerfile FROM the Debian base image (a build
// argument), runs a RUN step, pushes the result to the node's registry, and a
// pod then runs the pushed image.
#include <chrono>
#include <iostream>
#include <string>

#include "tests/integration/node/real_node_fixture.hpp"

namespace kiln::testing {
namespace {

using KanikoBuildTest = RealNodeTest;

TEST_F(KanikoBuildTest, JobBuildsAndPushesAnImageThatAPodRuns) {
  const std::string greeting = "hello from " + ns();
  const std::string repository = registry() + "/test/" + ns() + "/hello";
  apply(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: context}
data:
  greeting.txt: ")" +
        greeting + R"yaml("
  Dockerfile: |
    ARG BASE
    FROM ${BASE}
    COPY greeting.txt /greeting.txt
    RUN python3 -c "print('built by kaniko')" > /built.txt
    CMD ["sh", "-c", "cat /greeting.txt; echo; cat /built.txt; exec sleep 3600"]
)yaml");
  // The context is copied out of the ConfigMap volume (whose files are links).
  nlohmann::json context = script_container("context", "cp -L /config/* /workspace/");
  context["volumeMounts"] = {{{"name", "config"}, {"mountPath", "/config"}},
                             {{"name", "workspace"}, {"mountPath", "/workspace"}}};
  nlohmann::json kaniko = {
      {"name", "kaniko"},
      {"image", cluster().var("KILN_IMAGE_KANIKO")},
      {"args",
       {"--dockerfile=/workspace/Dockerfile", "--context=dir:///workspace",
        "--build-arg=BASE=" + debian_image(), "--destination=" + repository + ":1", "--insecure",
        "--insecure-pull", "--snapshot-mode=redo", "--digest-file=/dev/termination-log"}},
      {"volumeMounts", {{{"name", "workspace"}, {"mountPath", "/workspace"}}}}};
  nlohmann::json spec =
      on_real_node({{"restartPolicy", "Never"},
                    {"initContainers", {context}},
                    {"containers", {kaniko}},
                    {"volumes",
                     {{{"name", "config"}, {"configMap", {{"name", "context"}}}},
                      {{"name", "workspace"}, {"emptyDir", nlohmann::json::object()}}}}});
  nlohmann::json job = {{"apiVersion", "batch/v1"},
                        {"kind", "Job"},
                        {"metadata", {{"name", "build"}}},
                        {"spec", {{"backoffLimit", 0}, {"template", {{"spec", spec}}}}}};
  apply(job.dump());
  const auto started = std::chrono::steady_clock::now();
  auto r = kubectl({"wait", "--for=condition=Complete", "job/build", "--timeout=480s"});
  ASSERT_EQ(r.exit_code, 0) << r.output << describe("job/build")
                            << kubectl({"logs", "job/build", "--all-containers"}).output;
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started)
          .count();
  std::cout << "kaniko build and push: " << seconds << " s\n";

  // The digest kaniko pushed, from its termination message.
  auto pods = get_json({"pods", "-l", "job-name=build"})["items"];
  ASSERT_EQ(pods.size(), 1u);
  std::string digest;
  for (const auto& s : pods[0]["status"]["containerStatuses"]) {
    digest = s.value("/state/terminated/message"_json_pointer, std::string());
  }
  ASSERT_EQ(digest.rfind("sha256:", 0), 0u) << pods[0]["status"].dump();

  // The registry serves it under the tag kaniko pushed.
  r = host({"curl", "-sf", "-o", "/dev/null", "-w", "%{http_code}", "-H",
            "Accept: application/vnd.oci.image.manifest.v1+json, "
            "application/vnd.docker.distribution.manifest.v2+json",
            "http://" + registry() + "/v2/test/" + ns() + "/hello/manifests/" + digest});
  EXPECT_EQ(r.output, "200");

  // And a pod runs it.
  nlohmann::json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", "built"}}},
      {"spec",
       on_real_node({{"containers", {{{"name", "main"}, {"image", repository + "@" + digest}}}}})}};
  apply(pod.dump());
  ASSERT_TRUE(wait_ready("built"));
  EXPECT_TRUE(eventually([&] {
    auto logs = kubectl({"logs", "built"}).output;
    return logs.find(greeting) != std::string::npos &&
           logs.find("built by kaniko") != std::string::npos;
  })) << kubectl({"logs", "built"}).output;
}

}  // namespace
}  // namespace kiln::testing
