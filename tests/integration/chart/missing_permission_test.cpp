// A rule missing from kiln-operator's role is reported, not swallowed: the
// chart's ClusterRole without its HorizontalPodAutoscaler write rule, bound
// to a ServiceAccount whose TokenRequest token the operator uses. A cluster
// InferenceService needs that rule; the operator logs the verb and resource
// it may not use, counts it in kiln_api_forbidden_total, records a Warning
// Event "Forbidden" on the InferenceService, and recovers once the rule is back.

#include <curl/curl.h>

#include <cstdlib>
#include <sstream>

#include "crds/yaml_to_json.hpp"
#include "tests/integration/chart/chart_fixture.hpp"
#include "tests/integration/inference_service/inference_service_fixture.hpp"

namespace kiln::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class MissingPermissionTest : public InferenceServiceTest {
 protected:
  void TearDown() override {
    InferenceServiceTest::TearDown();
    if (!role_.empty()) {
      kubectl({"delete", "clusterrole", role_, "--ignore-not-found"});
      kubectl({"delete", "clusterrolebinding", role_, "--ignore-not-found"});
    }
  }

  // The chart's operator ClusterRole, rendered by helm.
  json chart_cluster_role() {
    auto r = run_command({helm_binary(cluster()), "template", "kiln",
                          std::string(KILN_SOURCE_DIR) + "/charts/kiln", "--namespace", ns(),
                          "--show-only", "templates/operator-rbac.yaml"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    for (auto& doc : api::parse_yaml_documents(r.output)) {
      if (doc.value("kind", "") == "ClusterRole") return doc;
    }
    ADD_FAILURE() << "no ClusterRole in\n" << r.output;
    return json::object();
  }

  void apply_role(json role) {
    role["metadata"] = {{"name", role_}};
    apply(role.dump());
  }

  std::string metrics() {
    std::string body;
    CURL* curl = curl_easy_init();
    const std::string url = "http://127.0.0.1:" + std::to_string(metrics_port_) + "/metrics";
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(
        curl, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t n, void* out) {
          static_cast<std::string*>(out)->append(data, size * n);
          return size * n;
        });
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 5L);
    curl_easy_perform(curl);
    curl_easy_cleanup(curl);
    return body;
  }

  std::string role_;
};

TEST_F(MissingPermissionTest, OperatorNamesTheVerbAndResourceItLacks) {
  create_model("diabetes", 1);
  create_environment("sklearn");

  // The chart's role, less one rule: patch/delete of HorizontalPodAutoscalers.
  const json full = chart_cluster_role();
  json narrow = full;
  json rules = json::array();
  bool removed = false;
  for (const auto& rule : full["rules"]) {
    if (rule["resources"] == json::array({"horizontalpodautoscalers"}) &&
        rule["verbs"] == json::array({"create", "patch", "delete"})) {
      removed = true;
      continue;
    }
    rules.push_back(rule);
  }
  ASSERT_TRUE(removed) << full.dump(2);
  narrow["rules"] = rules;
  role_ = ns() + "-narrow";
  apply_role(narrow);
  apply(json{
      {"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "kiln-operator"}}}}
            .dump());
  apply(json{
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "ClusterRoleBinding"},
      {"metadata", {{"name", role_}}},
      {"roleRef",
       {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", role_}}},
      {"subjects",
       json::array({{{"kind", "ServiceAccount"}, {"name", "kiln-operator"}, {"namespace", ns()}}})}}
            .dump());
  const std::string kubeconfig = "/tmp/kiln-narrow-" + ns() + ".kubeconfig";
  write_service_account_kubeconfig(cluster(), ns(), "kiln-operator", kubeconfig);

  ::setenv("KILN_TEST_OPERATOR_KUBECONFIG", kubeconfig.c_str(), 1);
  start_operator();
  ::unsetenv("KILN_TEST_OPERATOR_KUBECONFIG");

  json spec = {
      {"models", json::array({{{"name", "diabetes"}}})},
      {"environmentRef", {{"name", "sklearn"}}},
      {"inferenceConfig",
       {{"source", {{"inline", "def init():\n    pass\n\ndef run(data):\n    return data\n"}}}}},
      {"target", "cluster"},
      {"autoscaling", {{"minReplicas", 1}, {"maxReplicas", 3}}}};
  apply_service("prod", spec);

  // The log says who may not do what, where, and which rule to add.
  const std::string missing = "patch horizontalpodautoscalers.autoscaling in namespace " + ns();
  ASSERT_TRUE(eventually([&] { return operator_log().find(missing) != std::string::npos; }, 60s))
      << operator_log();
  const auto log = operator_log();
  EXPECT_NE(log.find("missing permission: system:serviceaccount:" + ns() + ":kiln-operator"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("add verb \"patch\" on \"horizontalpodautoscalers\" (apiGroup "
                     "\"autoscaling\")"),
            std::string::npos)
      << log;

  // Counted by verb and resource.
  const auto body = metrics();
  bool counted = false;
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("kiln_api_forbidden_total{", 0) == 0 &&
        line.find("verb=\"patch\"") != std::string::npos &&
        line.find("resource=\"horizontalpodautoscalers.autoscaling\"") != std::string::npos &&
        std::stod(line.substr(line.rfind(' ') + 1)) >= 1) {
      counted = true;
    }
  }
  EXPECT_TRUE(counted) << body;

  // A Warning Event on the InferenceService, for `kubectl describe`.
  EXPECT_TRUE(eventually(
      [&] {
        auto events = get_json({"events.events.k8s.io"});
        for (const auto& e : events.value("items", json::array())) {
          if (e.value("reason", "") == "Forbidden" && e.value("type", "") == "Warning" &&
              e["regarding"].value("name", "") == "prod" &&
              e.value("note", "").find("horizontalpodautoscalers") != std::string::npos) {
            return true;
          }
        }
        return false;
      },
      30s))
      << get_json({"events.events.k8s.io"}).dump(2);

  // With the rule back, the service becomes Ready on its own.
  apply_role(full);
  EXPECT_TRUE(wait_ready("prod", 120s)) << service("prod").dump(2) << operator_log();
}

// The other half of the proof: every controller (Model, Environment,
// InferenceService) with leader election, as the chart runs them, on the
// chart's ClusterRole and its system-namespace Role (here the test's
// namespace stands for kiln-system): the Lease is taken, Models and
// Environments get their status written, and nothing is refused.
TEST_F(MissingPermissionTest, AllControllersWithLeaderElectionNeedNothingMore) {
  auto r = run_command({helm_binary(cluster()), "template", "kiln",
                        std::string(KILN_SOURCE_DIR) + "/charts/kiln", "--namespace", ns(),
                        "--show-only", "templates/operator-rbac.yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  role_ = ns() + "-operator";
  apply(json{
      {"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", "kiln-operator"}}}}
            .dump());
  for (auto doc : api::parse_yaml_documents(r.output)) {
    const auto kind = doc.value("kind", "");
    if (kind == "ClusterRole" || kind == "ClusterRoleBinding") {
      doc["metadata"] = {{"name", role_}};  // not the RBAC proof's kiln-operator
      if (kind == "ClusterRoleBinding") doc["roleRef"]["name"] = role_;
    }
    apply(doc.dump());
  }
  const std::string kubeconfig = "/tmp/kiln-all-" + ns() + ".kubeconfig";
  write_service_account_kubeconfig(cluster(), ns(), "kiln-operator", kubeconfig);

  // Push credentials in the "system" namespace, read at start and copied
  // into the Model's namespace; a registry that refuses connections.
  auto secret =
      kubectl({"create", "secret", "docker-registry", "push", "--docker-server=127.0.0.1:9",
               "--docker-username=kiln", "--docker-password=kiln"});
  ASSERT_EQ(secret.exit_code, 0) << secret.output;

  metrics_port_ = free_port();
  operator_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{KILN_OPERATOR,
                               "--kubeconfig",
                               kubeconfig,
                               "--namespace",
                               ns(),
                               "--system-namespace",
                               ns(),
                               "--leader-elect",
                               "--registry",
                               "127.0.0.1:9",
                               "--registry-plain-http",
                               "--registry-secret",
                               ns() + "/push",
                               "--fetch-image",
                               "127.0.0.1:9/kiln/kiln-fetch:test",
                               "--health-probe-bind-address",
                               "127.0.0.1:" + std::to_string(free_port()),
                               "--metrics-bind-address",
                               "127.0.0.1:" + std::to_string(metrics_port_),
                               "--log-level",
                               "debug"},
      "/tmp/kiln-operator-all-" + ns() + ".log");

  EXPECT_TRUE(eventually(
      [&] {
        auto lease =
            kubectl({"get", "lease", "kiln-operator", "-o", "jsonpath={.spec.holderIdentity}"});
        return lease.exit_code == 0 && !lease.output.empty();
      },
      60s))
      << operator_log();

  apply(R"({"apiVersion": "kiln.dev/v1alpha1", "kind": "Model", "metadata": {"name": "m"},
           "spec": {"source": {"uri": "https://models.example.com/m.pkl"}}})");
  apply(R"({"apiVersion": "kiln.dev/v1alpha1", "kind": "Environment", "metadata": {"name": "e"},
           "spec": {"python": {"pip": ["scikit-learn"]}}})");
  // The Model controller copies the push credentials, starts its
  // registration Job (KWOK completes it) and reads its pods; the tag push
  // then fails at the closed registry: a status, not a 403.
  EXPECT_TRUE(eventually(
      [&] {
        return kubectl({"get", "secret", "kiln-registry"}).exit_code == 0;
      },
      60s))
      << operator_log();
  EXPECT_TRUE(eventually(
      [&] {
        auto jobs = get_json({"jobs", "-l", "app.kubernetes.io/managed-by=kiln"});
        return !jobs.value("items", json::array()).empty();
      },
      60s))
      << operator_log();
  EXPECT_TRUE(eventually(
      [&] {
        return !condition(get_json({"model", "m"}), "Ready", "reason").empty();
      },
      60s))
      << get_json({"model", "m"}).dump(2) << operator_log();
  EXPECT_TRUE(eventually(
      [&] {
        return get_json({"environment", "e"}).contains("status");
      },
      60s))
      << get_json({"environment", "e"}).dump(2) << operator_log();

  const auto log = operator_log();
  EXPECT_EQ(log.find("API error 403"), std::string::npos) << log;
  EXPECT_EQ(log.find("orbidden"), std::string::npos) << log;
}

}  // namespace
}  // namespace kiln::testing
