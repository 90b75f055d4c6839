// Issue 8 end to end: kiln-operator registers a Model through a kiln-fetch Job
// that runs on the real node (placed there by --job-node-selector and
// --job-toleration), reading the seeds' diabetes model from a PVC and pushing
// it to the node's registry; the Model is Ready with version 1 and the digest.
#include <gtest/gtest.h>

#include "tests/integration/node/kiln_on_node_fixture.hpp"

namespace kiln::testing {
namespace {

using nlohmann::json;
using ModelOnNodeTest = KilnOnNodeTest;

TEST_F(ModelOnNodeTest, RegistrationJobRunsOnTheNodeAndPushesTheModel) {
  host_dir_ = "/tmp/kiln-node-" + ns();
  create_host_pvc("model-store", host_dir_);
  write_seed_model(host_dir_);
  start_operator({"--controllers", "model"});
  apply(R"(
apiVersion: kiln.dev/v1alpha1
kind: Model
metadata: {name: diabetes}
spec:
  source: {uri: pvc://model-store/sklearn_regression_model.pkl}
  format: pickle
  framework: scikit-learn
)");
  ASSERT_TRUE(wait_condition("model", "diabetes", "Ready", std::chrono::seconds(300)));
  auto model = get_json({"model", "diabetes"});
  EXPECT_EQ(model["status"].value("version", 0), 1) << model["status"].dump();
  const std::string digest = model["status"].value("digest", "");
  ASSERT_EQ(digest.rfind("sha256:", 0), 0u) << model["status"].dump();
  const std::string image = model["status"].value("image", "");
  EXPECT_EQ(image, registry() + "/models/" + ns() + "/diabetes@" + digest);

  // The registration ran on the real node, as kiln-fetch's own image.
  auto pods = get_json({"pods", "-l", "app.kubernetes.io/component=model-registration"})["items"];
  ASSERT_FALSE(pods.empty());
  EXPECT_EQ(pods[0]["spec"].value("nodeName", ""), node_name());
  EXPECT_EQ(pods[0]["spec"]["containers"][0].value("image", ""), this->image("FETCH"));
  EXPECT_EQ(pods[0]["status"].value("phase", ""), "Succeeded");

  // The registry holds the model under that digest, tagged v1.
  auto r = host({"curl", "-sf", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                 "Accept: application/vnd.oci.image.manifest.v1+json",
                 "http://" + registry() + "/v2/models/" + ns() + "/diabetes/manifests/v1"});
  EXPECT_EQ(r.output, "200");
  r = host({"curl", "-sfI", "-H", "Accept: application/vnd.oci.image.manifest.v1+json",
            "http://" + registry() + "/v2/models/" + ns() + "/diabetes/manifests/v1"});
  EXPECT_NE(r.output.find(digest), std::string::npos) << r.output;
}

}  // namespace
}  // namespace kiln::testing
