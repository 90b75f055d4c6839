#include "tests/integration/chart/chart_fixture.hpp"

#include <fstream>

namespace kiln::testing {

std::string helm_binary(const Cluster& c) {
  if (auto it = c.env.find("HELM"); it != c.env.end() && !it->second.empty()) return it->second;
  // A cluster started before build.sh built helm: ask build.sh for it.
  auto r = run_command({std::string(KILN_SOURCE_DIR) + "/tests/cluster/build.sh", "--print"});
  const std::string key = "HELM=";
  const auto at = r.output.find("\n" + key);
  if (at == std::string::npos) return "helm";
  const auto start = at + 1 + key.size();
  return r.output.substr(start, r.output.find('\n', start) - start);
}

void write_service_account_kubeconfig(const Cluster& c, const std::string& ns,
                                      const std::string& name, const std::string& path) {
  auto kubectl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {c.var("KUBECTL"), "--kubeconfig", c.var("KUBECONFIG")});
    auto r = run_command(args);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return r.output;
  };
  const auto token = kubectl({"-n", ns, "create", "token", name, "--duration=1h"});
  const auto server = kubectl({"config", "view", "--raw", "--minify", "--flatten", "-o",
                               "jsonpath={.clusters[0].cluster.server}"});
  const auto ca = kubectl({"config", "view", "--raw", "--minify", "--flatten", "-o",
                           "jsonpath={.clusters[0].cluster.certificate-authority-data}"});
  auto trim = [](std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  };
  std::ofstream(path) << "apiVersion: v1\nkind: Config\nclusters:\n  - name: c\n    cluster:\n"
                      << "      server: \"" << trim(server) << "\"\n"
                      << "      certificate-authority-data: \"" << trim(ca) << "\"\n"
                      << "users:\n  - name: u\n    user:\n      token: \"" << trim(token)
                      << "\"\ncontexts:\n  - name: x\n    context: {cluster: c, user: u}\n"
                      << "current-context: x\n";
}

void ChartTest::SetUp() {
  KilnCrdTest::SetUp();
  if (HasFatalFailure()) return;
  tmp_ = std::filesystem::temp_directory_path() / ("kiln-chart-" + ns());
  std::filesystem::create_directories(tmp_);
  release_ = "k" + ns().substr(ns().rfind('-') + 1);
}

void ChartTest::TearDown() {
  if (!release_.empty()) helm({"uninstall", release_, "--ignore-not-found", "--wait"});
  std::error_code ignored;
  std::filesystem::remove_all(tmp_, ignored);
  KilnCrdTest::TearDown();
}

CommandResult ChartTest::helm(const std::vector<std::string>& args) const {
  const auto home = (tmp_ / "helm").string();
  std::vector<std::string> argv = {"env",
                                   "HELM_CONFIG_HOME=" + home,
                                   "HELM_CACHE_HOME=" + home,
                                   "HELM_DATA_HOME=" + home,
                                   helm_binary(cluster()),
                                   "--kubeconfig",
                                   cluster().var("KUBECONFIG"),
                                   "--namespace",
                                   ns()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

std::string ChartTest::write_file(const std::string& name, const std::string& text) const {
  const auto path = (tmp_ / name).string();
  std::ofstream(path) << text;
  return path;
}

std::string ChartTest::render(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"template", release_, chart_dir()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = helm(argv);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

}  // namespace kiln::testing
