// kiln status and kiln keys against kiln-operator on the real control plane,
// through a kubeconfig (operator/kube): the summary and exit codes of a Ready
// and a not-Ready service, keys equal to the Secret's, rotation of exactly
// the asked key.

#include <gtest/gtest.h>

#include "tests/integration/inference_service/inference_service_fixture.hpp"

namespace kiln::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class StatusKeysClusterTest : public InferenceServiceTest {
 protected:
  CommandResult kiln(std::vector<std::string> args) {
    args.insert(args.begin(), KILN_CLI);
    for (const auto& extra :
         {"--kubeconfig", cluster().var("KUBECONFIG").c_str(), "-n", ns().c_str()}) {
      args.push_back(extra);
    }
    return run_command(args);
  }

  std::string secret_key(const std::string& key) {
    auto r = kubectl({"get", "secret", "svc-keys", "-o", "jsonpath={.data." + key + "}"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    auto d = run_command({"sh", "-c", "printf %s '" + r.output + "' | base64 -d"});
    return d.output;
  }
};

TEST_F(StatusKeysClusterTest, StatusKeysGetAndRotate) {
  create_model("diabetes", 1);
  create_environment("env");
  apply_service("svc",
                {{"models", {{{"name", "diabetes"}}}},
                 {"environmentRef", {{"name", "env"}}},
                 {"inferenceConfig", {{"source", {{"inline", "def run(x):\n    return x\n"}}}}},
                 {"target", "cluster"},
                 {"auth", {{"enabled", true}}}});
  apply_service("broken",
                {{"models", {{{"name", "missing"}}}},
                 {"environmentRef", {{"name", "env"}}},
                 {"inferenceConfig", {{"source", {{"inline", "def run(x):\n    return x\n"}}}}},
                 {"target", "dev"}});
  start_operator();
  ASSERT_TRUE(wait_ready("svc", 120s)) << operator_log();
  ASSERT_TRUE(wait_reason("broken", "ModelNotFound"));

  auto status = kiln({"status", "svc"});
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("Ready:        True"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("Scoring URL:  http://svc." + ns() + ".svc.cluster.local/score"),
            std::string::npos)
      << status.output;
  EXPECT_NE(status.output.find("kiln keys get svc"), std::string::npos) << status.output;

  auto broken = kiln({"status", "broken"});
  EXPECT_EQ(broken.exit_code, 4) << broken.output;
  EXPECT_NE(broken.output.find("(ModelNotFound)"), std::string::npos) << broken.output;
  EXPECT_NE(broken.output.find("Why:"), std::string::npos) << broken.output;

  auto missing = kiln({"status", "nothing"});
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("InferenceService " + ns() + "/nothing not found"),
            std::string::npos)
      << missing.output;

  auto as_json = kiln({"status", "svc", "-o", "json"});
  EXPECT_EQ(json::parse(as_json.output).value("keysSecretName", ""), "svc-keys") << as_json.output;

  const std::string primary = secret_key("primaryKey");
  const std::string secondary = secret_key("secondaryKey");
  ASSERT_FALSE(primary.empty());
  auto got = kiln({"keys", "get", "svc", "-o", "json"});
  ASSERT_EQ(got.exit_code, 0) << got.output;
  EXPECT_EQ(json::parse(got.output), (json{{"primaryKey", primary}, {"secondaryKey", secondary}}));
  EXPECT_EQ(kiln({"keys", "get", "svc", "--primary"}).output, primary + "\n");

  auto rotated = kiln({"keys", "rotate", "svc", "--key", "secondary"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.output << operator_log();
  EXPECT_NE(rotated.output.find("rotated the secondary key"), std::string::npos);
  EXPECT_TRUE(eventually([&] { return secret_key("secondaryKey") != secondary; }, 30s));
  EXPECT_EQ(secret_key("primaryKey"), primary);
  EXPECT_EQ(kiln({"keys", "get", "svc", "--secondary"}).output, secret_key("secondaryKey") + "\n");

  EXPECT_EQ(kiln({"keys", "rotate", "svc", "--key", "tertiary"}).exit_code, 2);
  auto no_cluster = run_command({KILN_CLI, "status", "svc", "--kubeconfig", "/nonexistent"});
  EXPECT_EQ(no_cluster.exit_code, 3) << no_cluster.output;
}

}  // namespace
}  // namespace kiln::testing
