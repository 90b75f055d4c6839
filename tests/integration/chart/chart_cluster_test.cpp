// The Helm chart (charts/kiln) on the real control plane: lint, install into
// a fresh namespace (every object accepted, pods admitted under the
// restricted Pod Security Standard), values.schema.json rejecting malformed
// values by field, upgrade with changed values, uninstall leaving nothing but
// the CRDs, and the CRD
// upgrade step (charts/kiln/upgrade-crds.sh) adding a field.

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crds/yaml_to_json.hpp"
#include "tests/integration/chart/chart_fixture.hpp"

namespace kiln::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// The namespaced kinds the chart creates, for "is anything left" queries.
const char* kNamespacedKinds =
    "deployments,services,configmaps,secrets,serviceaccounts,roles,rolebindings,"
    "persistentvolumeclaims";

std::vector<std::string> installed_values(const std::string& release) {
  return {"--set", "registry.install=true",
          "--set", "registry.credentials.create=true",
          "--set", "registry.credentials.username=kiln",
          "--set", "registry.credentials.password=" + release + "-secret",
          "--set", "registry.server.storage.size=1Gi"};
}

TEST_F(ChartTest, LintPasses) {
  auto r = helm({"lint", "--strict", chart_dir()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("0 chart(s) failed"), std::string::npos) << r.output;
  std::vector<std::string> args = {"lint", "--strict", chart_dir(), "--set",
                                   "operator.watchNamespaces={team-a}"};
  for (const auto& v : installed_values(release())) args.push_back(v);
  r = helm(args);
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(ChartTest, InstallUpgradeAndUninstallLeaveNothingBehind) {
  // Every Kiln pod must pass the restricted Pod Security Standard.
  auto label = kubectl({"label", "namespace", ns(), "pod-security.kubernetes.io/enforce=restricted",
                        "pod-security.kubernetes.io/warn=restricted"});
  ASSERT_EQ(label.exit_code, 0) << label.output;

  std::vector<std::string> install = {"install", release(), chart_dir()};
  for (const auto& v : installed_values(release())) install.push_back(v);
  // The registry's claim is kept by default (helm.sh/resource-policy: keep);
  // here it goes with the release, so that nothing at all is left.
  install.insert(install.end(), {"--set", "registry.server.storage.keepOnUninstall=false"});
  auto r = helm(install);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("would violate PodSecurity"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rollout status deployment/" + release() + "-kiln-operator"),
            std::string::npos)
      << "NOTES.txt says how to check the install:\n"
      << r.output;

  // Every object of the release exists (kubectl get of the whole manifest).
  auto manifest = helm({"get", "manifest", release()});
  ASSERT_EQ(manifest.exit_code, 0) << manifest.output;
  // (no -n: the objects name their namespaces, kube-system included)
  auto got = run_command({cluster().var("KUBECTL"), "--kubeconfig", cluster().var("KUBECONFIG"),
                          "get", "-f", "-", "-o", "name"},
                         manifest.output);
  ASSERT_EQ(got.exit_code, 0) << got.output;
  for (const char* expected : {"deployment.apps/", "clusterrole.rbac.authorization.k8s.io/",
                               "role.rbac.authorization.k8s.io/", "serviceaccount/", "service/",
                               "persistentvolumeclaim/", "secret/", "configmap/"}) {
    EXPECT_NE(got.output.find(expected), std::string::npos) << expected << "\n" << got.output;
  }
  // The operator's and the scheduler's pods are admitted and become Ready.
  for (const auto& d : {release() + "-kiln-operator", release() + "-kiln-scheduler"}) {
    auto rollout = kubectl({"rollout", "status", "deployment/" + d, "--timeout=90s"});
    EXPECT_EQ(rollout.exit_code, 0) << d << ": " << rollout.output;
  }
  auto op = get_json({"deployment", release() + "-kiln-operator"});
  const auto& pod_spec = op["spec"]["template"]["spec"];
  const auto& container = pod_spec["containers"][0];
  EXPECT_EQ(container["securityContext"]["readOnlyRootFilesystem"], true);
  EXPECT_EQ(container["securityContext"]["capabilities"]["drop"], json::array({"ALL"}));
  EXPECT_EQ(pod_spec["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["path"], "/healthz");
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"], "/readyz");
  const auto args = container["args"].dump();
  EXPECT_NE(args.find("--leader-elect"), std::string::npos) << args;
  EXPECT_NE(args.find("--registry=" + release() + "-kiln-registry." + ns() + ".svc:5000"),
            std::string::npos)
      << args;
  EXPECT_NE(args.find("--registry-secret=" + ns() + "/" + release() + "-kiln-registry-push"),
            std::string::npos)
      << args;
  auto push = get_json({"secret", release() + "-kiln-registry-push"});
  EXPECT_EQ(push["type"], "kubernetes.io/dockerconfigjson");

  // Upgrade with changed values: one operator replica, debug logs, no
  // second scheduler (its objects go, cluster-scoped ones included).
  std::vector<std::string> upgrade = {"upgrade",   release(),
                                      chart_dir(), "--reuse-values",
                                      "--set",     "operator.replicas=1",
                                      "--set",     "operator.logLevel=debug",
                                      "--set",     "scheduler.enabled=false"};
  r = helm(upgrade);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  op = get_json({"deployment", release() + "-kiln-operator"});
  EXPECT_EQ(op["spec"]["replicas"], 1);
  EXPECT_NE(
      op["spec"]["template"]["spec"]["containers"][0]["args"].dump().find("--log-level=debug"),
      std::string::npos);
  EXPECT_EQ(
      op["spec"]["template"]["spec"]["containers"][0]["args"].dump().find("--scheduler-extender"),
      std::string::npos);
  EXPECT_NE(kubectl({"get", "deployment", release() + "-kiln-scheduler"}).exit_code, 0);
  auto scheduler_roles = kubectl({"get", "clusterrolebindings", "-o", "name", "-l",
                                  "app.kubernetes.io/instance=" + release()});
  EXPECT_EQ(scheduler_roles.output.find("scheduler"), std::string::npos) << scheduler_roles.output;
  auto rollout =
      kubectl({"rollout", "status", "deployment/" + release() + "-kiln-operator", "--timeout=90s"});
  EXPECT_EQ(rollout.exit_code, 0) << rollout.output;
  auto history = helm({"history", release(), "-o", "json"});
  EXPECT_EQ(json::parse(history.output).size(), 2u) << history.output;

  // Uninstall: nothing of the release is left but the CRDs.
  r = helm({"uninstall", release(), "--wait"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string selector = "app.kubernetes.io/instance=" + release();
  auto left = kubectl({"get", kNamespacedKinds, "-l", selector, "-o", "name"});
  EXPECT_EQ(left.exit_code, 0) << left.output;
  EXPECT_EQ(left.output, "") << left.output;
  auto cluster_left =
      kubectl({"get", "clusterroles,clusterrolebindings", "-l", selector, "-o", "name"});
  EXPECT_EQ(cluster_left.output, "") << cluster_left.output;
  auto kube_system =
      kubectl({"get", "rolebindings", "-n", "kube-system", "-l", selector, "-o", "name"});
  EXPECT_EQ(kube_system.output, "") << kube_system.output;
  auto releases =
      kubectl({"get", "secrets", "--field-selector", "type=helm.sh/release.v1", "-o", "name"});
  EXPECT_EQ(releases.output, "") << releases.output;
  auto crds = kubectl({"get", "crd", "models.kiln.dev", "inferenceservices.kiln.dev"});
  EXPECT_EQ(crds.exit_code, 0) << "CRDs are kept, as Helm does: " << crds.output;
  release_.clear();  // uninstalled
}

TEST_F(ChartTest, SchemaRejectsMalformedValuesNamingTheField) {
  const auto bad_type = write_file("bad-type.yaml", "operator:\n  replicas: two\n");
  auto r = helm({"install", release(), chart_dir(), "-f", bad_type});
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("values don't meet the specifications of the schema"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("at '/operator/replicas': got string, want integer"), std::string::npos)
      << r.output;

  const auto typo = write_file("typo.yaml", "operater:\n  replicas: 1\n");
  r = helm({"install", release(), chart_dir(), "-f", typo});
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("additional properties 'operater' not allowed"), std::string::npos)
      << r.output;

  const auto bad_enum = write_file("bad-enum.yaml", "operator:\n  modelDelivery: rsync\n");
  r = helm({"install", release(), chart_dir(), "-f", bad_enum});
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("/operator/modelDelivery"), std::string::npos) << r.output;

  // A toleration that matches any value cannot also name one.
  const auto exists_with_value =
      write_file("exists-with-value.yaml",
                 "builder:\n  tolerations:\n    - {key: gpu, operator: Exists, value: \"yes\"}\n");
  r = helm({"install", release(), chart_dir(), "-f", exists_with_value});
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("/builder/tolerations/0"), std::string::npos) << r.output;

  // Nothing was installed.
  auto list = helm({"list", "-q"});
  EXPECT_EQ(list.output, "") << list.output;
}

TEST_F(ChartTest, WatchingOneNamespaceGrantsRolesOnlyThere) {
  const auto rendered = render({"--namespace", ns(), "--set", "operator.watchNamespaces={team-a}",
                                "--show-only", "templates/operator-rbac.yaml"});
  EXPECT_EQ(rendered.find("kind: ClusterRole\n"), std::string::npos) << rendered;
  EXPECT_NE(rendered.find("namespace: team-a"), std::string::npos);
  EXPECT_NE(render({"--namespace", ns(), "--set", "operator.watchNamespaces={team-a}"})
                .find("--namespace=team-a"),
            std::string::npos);
  const auto cluster_wide =
      render({"--namespace", ns(), "--show-only", "templates/operator-rbac.yaml"});
  EXPECT_NE(cluster_wide.find("kind: ClusterRole\n"), std::string::npos);
  EXPECT_EQ(cluster_wide.find("\"*\""), std::string::npos) << "no wildcards";
}

TEST_F(ChartTest, ServiceMonitorOnlyWhenThePrometheusOperatorIsInstalled) {
  EXPECT_EQ(render({"--namespace", ns()}).find("kind: ServiceMonitor"), std::string::npos);
  EXPECT_NE(
      render({"--namespace", ns(), "--api-versions", "monitoring.coreos.com/v1/ServiceMonitor"})
          .find("kind: ServiceMonitor"),
      std::string::npos);
}

// The CRD upgrade step (Helm never upgrades crds/): a Model CRD with a new
// field, applied by charts/kiln/upgrade-crds.sh, serves the field; applying
// the chart's CRDs again takes it away.
TEST_F(ChartTest, CrdUpgradeStepServesANewField) {
  const auto dir = tmp_ / "crds-next";
  std::filesystem::create_directories(dir);
  for (const auto& entry : std::filesystem::directory_iterator(chart_dir() + "/crds")) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto crd = api::parse_yaml_documents(text.str()).at(0);
    if (crd["metadata"]["name"] == "models.kiln.dev") {
      crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]
         ["owner"] = {{"type", "string"}, {"description", "The team that owns the model."}};
    }
    std::ofstream(dir / (entry.path().stem().string() + ".json")) << crd.dump(2);
  }
  const std::string script = chart_dir() + "/upgrade-crds.sh";
  auto env = [&](const std::string& crd_dir) {
    std::vector<std::string> argv = {"env", "KUBECTL=" + cluster().var("KUBECTL"),
                                     "KUBECONFIG=" + cluster().var("KUBECONFIG"), script};
    if (!crd_dir.empty()) argv.push_back(crd_dir);
    return run_command(argv);
  };
  auto r = env(dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(eventually(
      [&] {
        return kubectl({"explain", "model.spec.owner"}).exit_code == 0;
      },
      30s));
  apply(R"({"apiVersion": "kiln.dev/v1alpha1", "kind": "Model", "metadata": {"name": "owned"},
           "spec": {"owner": "fraud-team", "source": {"uri": "https://models.example.com/m.pkl"}}})");
  EXPECT_EQ(get_json({"model", "owned"})["spec"].value("owner", ""), "fraud-team");

  r = env("");  // back to the chart's CRDs
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(eventually(
      [&] {
        return kubectl({"explain", "model.spec.owner"}).exit_code != 0;
      },
      30s));
}

}  // namespace
}  // namespace kiln::testing

namespace kiln::testing {
namespace {

// kiln-operator accepts every argument the chart gives it: with the
// registry installed, the scheduler on and the build Jobs placed, it gets
// past flag parsing (exit 2 is a bad flag) and stops only for want of an
// in-cluster service account.
TEST_F(ChartTest, OperatorAcceptsTheChartsArguments) {
  std::vector<std::string> args = {
      "--namespace", ns(),
      "--show-only", "templates/operator.yaml",
      "--set",       "registry.caConfigMap=registry-ca",
      "--set",       "operator.watchNamespaces={team-a}",
      "--set",       "operator.pipIndexUrl=https://pypi.example.com/simple",
      "--set",       "builder.nodeSelector.kiln\\.dev/role=build",
      "--set-json",  R"(builder.tolerations=[{"key": "kiln.dev/build", "operator": "Exists",
                       "effect": "NoSchedule"}, {"key": "team", "value": "ml"}])"};
  for (const auto& v : installed_values(release())) args.push_back(v);
  json deployment;
  for (auto& doc : api::parse_yaml_documents(render(args))) {
    if (doc.value("kind", "") == "Deployment") deployment = doc;
  }
  ASSERT_TRUE(deployment.is_object());
  const std::string rendered_args =
      deployment["spec"]["template"]["spec"]["containers"][0]["args"].dump();
  for (const char* expected :
       {"--job-node-selector=kiln.dev/role=build", "--job-toleration=kiln.dev/build:NoSchedule",
        "--job-toleration=team=ml\""}) {
    EXPECT_NE(rendered_args.find(expected), std::string::npos)
        << expected << " in " << rendered_args;
  }
  std::vector<std::string> argv = {"env", "-u", "KUBERNETES_SERVICE_HOST", KILN_OPERATOR};
  for (const auto& a : deployment["spec"]["template"]["spec"]["containers"][0]["args"]) {
    auto text = a.get<std::string>();
    // The CA file exists only in the pod; any readable file stands in for it.
    if (text.rfind("--registry-ca=", 0) == 0) text = "--registry-ca=/etc/hostname";
    argv.push_back(text);
  }
  auto r = run_command(argv);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("not in a cluster"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace kiln::testing
