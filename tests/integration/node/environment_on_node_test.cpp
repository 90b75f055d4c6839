// Issue 9 on the real node: the operator's kaniko Job builds an Environment
// FROM kiln-runtime, pip-installing scikit-learn from the node's package index,
// and pushes it; the status names the image by digest. A second Environment
// with the same content reuses it with no Job; a package that does not exist
// ends Failed with pip's own error in the status.
#include <gtest/gtest.h>

#include <iostream>
#include <set>

#include "tests/integration/node/kiln_on_node_fixture.hpp"

namespace kiln::testing {
namespace {

using nlohmann::json;
using EnvironmentOnNodeTest = KilnOnNodeTest;

std::string environment(const std::string& name, const std::string& package) {
  return R"(
apiVersion: kiln.dev/v1alpha1
kind: Environment
metadata: {name: )" +
         name + R"(}
spec:
  python:
    pip: [")" +
         package + R"("]
)";
}

TEST_F(EnvironmentOnNodeTest, BuildsOnTheNodeReusesTheImageAndReportsPipErrors) {
  start_operator({"--controllers", "environment"});
  apply(environment("sklearn", "scikit-learn==1.9.1"));
  apply(environment("missing", "kiln-no-such-package==0.0.1"));

  ASSERT_TRUE(wait_condition("environment", "sklearn", "Ready", std::chrono::seconds(900)));
  auto env = get_json({"environment", "sklearn"});
  const std::string image = env["status"].value("image", "");
  EXPECT_EQ(image.rfind(registry() + "/kiln/environments@sha256:", 0), 0u) << env["status"].dump();

  // The image is in the registry under that digest.
  const auto digest = image.substr(image.find('@') + 1);
  auto r = host({"curl", "-sf", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                 "Accept: application/vnd.oci.image.manifest.v1+json, "
                 "application/vnd.docker.distribution.manifest.v2+json",
                 "http://" + registry() + "/v2/kiln/environments/manifests/" + digest});
  EXPECT_EQ(r.output, "200");

  // The failing build: pip's own message, from the builder's log, in the status.
  ASSERT_TRUE(eventually(
      [&] {
        return get_json({"environment", "missing"})["status"].value("phase", "") == "Failed";
      },
      std::chrono::seconds(600), std::chrono::seconds(2)))
      << get_json({"environment", "missing"}).dump(2) << operator_log();
  auto failed = get_json({"environment", "missing"})["status"];
  const std::string tail = failed.value("buildLogTail", "");
  EXPECT_NE(tail.find("kiln-no-such-package"), std::string::npos) << failed.dump(2);
  EXPECT_NE(tail.find("No matching distribution found"), std::string::npos) << failed.dump(2);
  std::cout << "failed build's status: reason " << failed["conditions"][0].value("reason", "")
            << ", log tail ends with:\n"
            << tail.substr(tail.size() > 400 ? tail.size() - 400 : 0) << "\n";

  // The builds ran on the real node: the failing one, and the first unless an
  // earlier test of this cluster already pushed the same content.
  auto jobs = get_json({"jobs", "-l", "app.kubernetes.io/managed-by=kiln"})["items"];
  EXPECT_GE(jobs.size(), 1u);
  EXPECT_LE(jobs.size(), 2u);
  const auto job_pods = get_json({"pods", "-l", "job-name"});
  for (const auto& pod : job_pods["items"]) {
    EXPECT_EQ(pod["spec"].value("nodeName", ""), node_name()) << pod["metadata"]["name"];
  }

  // Same content, another Environment: the same image, no new Job.
  apply(environment("sklearn-again", "scikit-learn==1.9.1"));
  ASSERT_TRUE(wait_condition("environment", "sklearn-again", "Ready", std::chrono::seconds(120)));
  EXPECT_EQ(get_json({"environment", "sklearn-again"})["status"].value("image", ""), image);
  EXPECT_EQ(get_json({"jobs", "-l", "app.kubernetes.io/managed-by=kiln"})["items"].size(),
            jobs.size());
}

}  // namespace
}  // namespace kiln::testing
