#include "tests/support/cluster_fixture.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

namespace kiln::testing {
namespace {

Cluster load_cluster() {
  const char* dir = std::getenv("KILN_CLUSTER_DIR");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error("KILN_CLUSTER_DIR is not set: run cluster tests through ctest");
  }
  Cluster c;
  c.dir = dir;
  std::ifstream in(c.dir + "/env");
  if (!in) {
    throw std::runtime_error("no control plane at " + c.dir +
                             " (tests/cluster/cluster.sh up --dir " + c.dir + ")");
  }
  // Lines of the form `export NAME='value'` (cluster.sh writes no quotes inside values).
  for (std::string line; std::getline(in, line);) {
    const std::string prefix = "export ";
    if (line.rfind(prefix, 0) != 0) continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string name = line.substr(prefix.size(), eq - prefix.size());
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
      value = value.substr(1, value.size() - 2);
    }
    c.env[name] = value;
  }
  return c;
}

// A DNS-1123 label from the test's name, unique per run.
std::string namespace_for_current_test() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string base = std::string(info->test_suite_name()) + "-" + info->name();
  std::string out;
  for (char ch : base) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  }
  out = out.substr(0, 48);
  while (!out.empty() && out.back() == '-') out.pop_back();
  std::random_device rd;
  std::string suffix = std::to_string(rd() % 1000000);
  return "t-" + out + "-" + suffix;
}

}  // namespace

const Cluster& Cluster::shared() {
  static const Cluster cluster = load_cluster();
  return cluster;
}

const std::string& Cluster::var(const std::string& name) const {
  auto it = env.find(name);
  if (it == env.end()) throw std::runtime_error(name + " missing from " + dir + "/env");
  return it->second;
}

void ClusterTest::SetUp() {
  cluster_ = &Cluster::shared();
  namespace_ = namespace_for_current_test();
  auto r = run_command({cluster_->var("KUBECTL"), "--kubeconfig", cluster_->var("KUBECONFIG"),
                        "create", "namespace", namespace_});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Pods are admitted only once the service-account controller has made the
  // namespace's `default` account.
  ASSERT_TRUE(eventually([&] {
    return kubectl({"get", "serviceaccount", "default"}).exit_code == 0;
  })) << "no default service account in "
      << namespace_;
}

void ClusterTest::TearDown() {
  if (namespace_.empty()) return;
  // Leave deletion to the namespace controller; the next test does not wait for it.
  run_command({cluster_->var("KUBECTL"), "--kubeconfig", cluster_->var("KUBECONFIG"), "delete",
               "namespace", namespace_, "--wait=false"});
}

CommandResult ClusterTest::kubectl(const std::vector<std::string>& args,
                                   const std::string& input) const {
  std::vector<std::string> argv = {cluster_->var("KUBECTL"), "--kubeconfig",
                                   cluster_->var("KUBECONFIG"), "-n", namespace_};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, input);
}

nlohmann::json ClusterTest::get_json(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"get"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"-o", "json"});
  auto r = kubectl(argv);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  if (r.exit_code != 0) return nlohmann::json::object();
  return nlohmann::json::parse(r.output);
}

void ClusterTest::apply(const std::string& manifest) const {
  auto r = kubectl({"apply", "-f", "-"}, manifest);
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

void ClusterTest::install_widget_crd() const {
  auto r = kubectl({"apply", "-f", KILN_WIDGET_CRD});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = kubectl(
      {"wait", "--for=condition=Established", "crd/widgets.test.kiln.dev", "--timeout=60s"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Established can precede the resource being served for a moment.
  ASSERT_TRUE(eventually([&] { return kubectl({"get", "widgets.test.kiln.dev"}).exit_code == 0; }));
}

bool ClusterTest::eventually(const std::function<bool()>& condition,
                             std::chrono::milliseconds timeout,
                             std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

}  // namespace kiln::testing
