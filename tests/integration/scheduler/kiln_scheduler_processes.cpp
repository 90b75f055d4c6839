#include "tests/integration/scheduler/kiln_scheduler_processes.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace kiln::testing {
namespace {

bool http_ok(const std::string& url, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {"curl", "-sf", "--max-time", "2", "-o", "/dev/null"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(url);
  return run_command(argv).exit_code == 0;
}

std::string kube_scheduler_binary() {
  auto r = run_command({KILN_CLUSTER_BUILD, "--print"});
  if (r.exit_code != 0) throw std::runtime_error("tests/cluster/build.sh --print: " + r.output);
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("KUBE_SCHEDULER=", 0) == 0) return line.substr(15);
  }
  throw std::runtime_error("build.sh --print named no KUBE_SCHEDULER");
}

bool wait_for(const std::function<bool()>& condition, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return true;
}

}  // namespace

KilnSchedulerProcesses::KilnSchedulerProcesses(const Cluster& cluster, std::string log_dir)
    : cluster_(cluster), log_dir_(std::move(log_dir)), port_(free_port()) {
  std::filesystem::create_directories(log_dir_);
  url_ = "http://127.0.0.1:" + std::to_string(port_);
  auto config =
      run_command({KILN_SCHEDULER_HARNESS, "config", "--dir", cluster_.dir, "--url", url_});
  if (config.exit_code != 0) throw std::runtime_error("kiln_scheduler.sh config: " + config.output);
  const std::string config_path = log_dir_ + "/kiln-scheduler-config.yaml";
  std::ofstream(config_path) << config.output;

  start_extender();
  const std::string kubeconfig = cluster_.var("KUBECONFIG");
  const unsigned short secure_port = free_port();
  scheduler_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{
          kube_scheduler_binary(), "--config=" + config_path,
          "--authentication-kubeconfig=" + kubeconfig, "--authorization-kubeconfig=" + kubeconfig,
          "--bind-address=127.0.0.1", "--secure-port=" + std::to_string(secure_port)},
      log_dir_ + "/kube-scheduler.log");
  const std::string healthz = "https://127.0.0.1:" + std::to_string(secure_port) + "/healthz";
  if (!wait_for([&] { return http_ok(healthz, {"-k"}); }, std::chrono::seconds(60))) {
    throw std::runtime_error("kube-scheduler did not come up:\n" + scheduler_->log());
  }
}

KilnSchedulerProcesses::~KilnSchedulerProcesses() {
  for (auto* p : {scheduler_.get(), extender_.get()}) {
    if (p == nullptr) continue;
    p->signal(SIGTERM);
    if (!p->wait_for_exit(std::chrono::seconds(10))) p->signal(SIGKILL);
  }
}

void KilnSchedulerProcesses::start_extender() {
  extender_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{KILN_SCHEDULER_EXTENDER, "--kubeconfig", cluster_.var("KUBECONFIG"),
                               "--address", "127.0.0.1", "--port", std::to_string(port_)},
      log_dir_ + "/extender-" + std::to_string(++extender_starts_) + ".log");
  if (!wait_for([&] { return http_ok(url_ + "/readyz"); }, std::chrono::seconds(60))) {
    throw std::runtime_error("kiln-scheduler-extender not ready:\n" + extender_->log());
  }
}

void KilnSchedulerProcesses::kill_extender() {
  extender_->signal(SIGKILL);
  extender_->wait_for_exit(std::chrono::seconds(10));
}

bool KilnSchedulerProcesses::extender_running() {
  return extender_ && extender_->running();
}

std::string KilnSchedulerProcesses::metrics_text() const {
  return run_command({"curl", "-sf", "--max-time", "5", url_ + "/metrics"}).output;
}

double KilnSchedulerProcesses::metric(const std::string& series) const {
  std::istringstream lines(metrics_text());
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return 0;  // a series appears on first use
}

}  // namespace kiln::testing
