#include "tests/integration/server/serve_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/integration/server/http_client.hpp"

extern char** environ;

namespace kiln::testing {
namespace {

// The environment may override what the build compiled in.
std::string setting(const char* name, const char* built_in) {
  const char* v = std::getenv(name);
  return v && *v ? v : built_in;
}

}  // namespace

std::string scripts_dir() {
  return setting("KILN_SERVE_TEST_SCRIPTS", KILN_SERVE_TEST_SCRIPTS);
}
std::string fixtures_dir() {
  return setting("KILN_SERVE_TEST_FIXTURES", KILN_SERVE_TEST_FIXTURES);
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind a free port");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

ServeProcess::ServeProcess(std::map<std::string, std::string> env, std::string name) {
  static std::atomic<int> counter{0};
  port_ = free_port();
  log_path_ = setting("KILN_SERVE_TEST_LOGS", KILN_SERVE_TEST_LOGS) + "/" + name + "-" +
              std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".log";
  std::map<std::string, std::string> all;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) all[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  all["VIRTUAL_ENV"] = setting("KILN_SERVE_TEST_VENV", KILN_SERVE_TEST_VENV);
  // Under the ASan build kiln-serve runs with LeakSanitizer off: CPython and
  // its extension modules keep allocations alive until exit by design. ASan's
  // other checks stay on.
  all["ASAN_OPTIONS"] = "detect_leaks=0";
  all["SERVER_PORT"] = std::to_string(port_);
  all["KILN_HOST"] = "127.0.0.1";
  for (auto& [k, v] : env) all[k] = v;
  std::vector<std::string> strings;
  for (auto& [k, v] : all) strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::string bin = setting("KILN_SERVE_BIN", KILN_SERVE_BIN);
  std::vector<char*> argv = {bin.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  int rc = ::posix_spawn(&pid_, bin.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + bin);
}

ServeProcess::~ServeProcess() {
  if (running()) {
    // Kill the whole tree: the supervisor's workers are its children.
    ::kill(pid_, SIGTERM);
    if (wait_exit(std::chrono::seconds(20)) < 0) {
      ::kill(pid_, SIGKILL);
      wait_exit(std::chrono::seconds(10));
    }
  }
}

bool ServeProcess::running() {
  if (status_ >= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

int ServeProcess::wait_exit(std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return status_;
}

void ServeProcess::signal(int sig) {
  ::kill(pid_, sig);
}

int ServeProcess::stop(std::chrono::seconds limit) {
  if (running()) ::kill(pid_, SIGTERM);
  return wait_exit(limit);
}

bool ServeProcess::wait_ready(std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) return false;
    auto r = http_request("GET", url("/"), "", {}, 2000);
    if (r.status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string ServeProcess::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string ServeProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace kiln::testing
