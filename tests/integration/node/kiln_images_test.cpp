// Kiln's images (packaging/images/build.sh), built by kaniko on the real node
// and pushed to its registry: each carries the OCI labels, runs as a non-root
// user, and its program starts in a pod on the node.
#include <gtest/gtest.h>

#include "tests/integration/node/kiln_on_node_fixture.hpp"

namespace kiln::testing {
namespace {

using nlohmann::json;
using KilnImagesTest = KilnOnNodeTest;

// GET from the node's registry (plain HTTP) with curl; the body.
std::string registry_get(const std::string& url) {
  auto r = host({"curl", "-sf", "-H",
                 "Accept: application/vnd.oci.image.manifest.v1+json, "
                 "application/vnd.docker.distribution.manifest.v2+json",
                 url});
  EXPECT_EQ(r.exit_code, 0) << url << ": " << r.output;
  return r.output;
}

TEST_F(KilnImagesTest, EachImageIsLabelledAndRunsAsNonRoot) {
  for (const char* name : {"RUNTIME", "SERVE_WHEELS", "FETCH", "OPERATOR", "SCHEDULER_EXTENDER"}) {
    SCOPED_TRACE(name);
    const std::string& ref = image(name);
    ASSERT_EQ(ref.rfind(registry() + "/kiln/kiln-", 0), 0u) << ref;
    const auto at = ref.find('@');
    ASSERT_NE(at, std::string::npos) << ref;
    const std::string repository = ref.substr(registry().size() + 1, at - registry().size() - 1);
    auto manifest = json::parse(registry_get("http://" + registry() + "/v2/" + repository +
                                             "/manifests/" + ref.substr(at + 1)));
    auto config =
        json::parse(registry_get("http://" + registry() + "/v2/" + repository + "/blobs/" +
                                 manifest["config"]["digest"].get<std::string>()));
    const auto labels = config["config"].value("Labels", json::object());
    EXPECT_EQ(labels.value("org.opencontainers.image.source", ""),
              "https://github.com/kiln-dev/kiln");
    EXPECT_EQ(labels.value("org.opencontainers.image.version", ""), "0.1.0");
    EXPECT_EQ(labels.value("org.opencontainers.image.revision", "").size(), 40u) << labels.dump();
    if (std::string(name) != "SERVE_WHEELS") {
      EXPECT_EQ(config["config"].value("User", ""), "65532:65532");
    }
  }

  // Each program starts on the node, as the image's own (non-root) user.
  auto container = [](const std::string& name, const std::string& image, json command) {
    return json{{"name", name},
                {"image", image},
                {"command", command},
                {"securityContext", {{"runAsNonRoot", true}, {"allowPrivilegeEscalation", false}}}};
  };
  json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", "programs"}}},
      {"spec",
       on_real_node(
           {{"restartPolicy", "Never"},
            {"initContainers",
             {container("fetch", image("FETCH"), {"/usr/local/bin/kiln-fetch", "--help"}),
              container("operator", image("OPERATOR"), {"/usr/local/bin/kiln-operator", "--help"}),
              container("extender", image("SCHEDULER_EXTENDER"),
                        {"/usr/local/bin/kiln-scheduler-extender", "--help"})}},
            {"containers",
             {container("runtime", image("RUNTIME"),
                        {"sh", "-c", "id -u; /opt/kiln/bin/kiln-serve --version"})}}})}};
  apply(pod.dump());
  ASSERT_TRUE(eventually(
      [&] {
        return kubectl({"get", "pod", "programs", "-o", "jsonpath={.status.phase}"}).output ==
               "Succeeded";
      },
      std::chrono::seconds(180), std::chrono::seconds(1)))
      << describe("pod/programs") << kubectl({"logs", "programs", "--all-containers"}).output;
  EXPECT_NE(kubectl({"logs", "programs", "-c", "fetch"}).output.find("register"),
            std::string::npos);
  EXPECT_NE(kubectl({"logs", "programs", "-c", "operator"}).output.find("--job-toleration"),
            std::string::npos);
  const auto runtime = kubectl({"logs", "programs", "-c", "runtime"}).output;
  EXPECT_EQ(runtime.rfind("65532\n", 0), 0u) << runtime;
  EXPECT_NE(runtime.find("kiln-serve 0.1.0"), std::string::npos) << runtime;
}

}  // namespace
}  // namespace kiln::testing
