#include "server/supervisor.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/extra_requirements.hpp"
#include "server/metrics.hpp"
#include "server/worker.hpp"

namespace kiln::serve {
namespace {

int open_listener(const std::string& host, std::uint16_t port, std::uint16_t& bound_port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res);
  if (rc != 0) throw std::runtime_error("cannot resolve " + host + ": " + gai_strerror(rc));
  int fd = -1;
  std::string error;
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 4096) == 0) break;
    error = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd < 0) throw std::runtime_error("cannot listen on " + host + ":" + service + ": " + error);
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  bound_port = ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                                : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  return fd;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

int run_supervisor(ServeConfig config) {
  if (!install_extra_requirements(config)) return 1;

  SharedMetrics* metrics = create_shared_metrics();
  std::uint16_t port = 0;
  int listen_fd = -1;
  try {
    listen_fd = open_listener(config.host, config.port, port);
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
  spdlog::info("kiln-serve listening on {}:{} with {} worker(s), entry script {}", config.host,
               port, config.worker_count, config.entry_script);

  // Signals are taken synchronously (sigtimedwait) here; workers inherit the
  // mask and unblock once their handlers are installed.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGCHLD, SIGHUP}) sigaddset(&signals, s);
  sigset_t previous;
  sigprocmask(SIG_BLOCK, &signals, &previous);

  std::vector<pid_t> pids(static_cast<std::size_t>(config.worker_count), 0);
  auto spawn = [&](int slot) {
    metrics->ready[slot].store(0);
    metrics->accepting[slot].store(0);
    metrics->connections[slot].store(0);
    metrics->in_flight[slot].store(0);
    spdlog::default_logger()->flush();
    pid_t pid = ::fork();
    if (pid == 0) {
      int rc = 1;
      try {
        rc = run_worker(config, slot, listen_fd, *metrics);
      } catch (const std::exception& e) {
        spdlog::critical("worker {}: {}", slot, e.what());
      }
      spdlog::default_logger()->flush();
      std::fflush(nullptr);
      ::_exit(rc);
    }
    if (pid < 0) {
      spdlog::critical("fork failed: {}", std::strerror(errno));
      return false;
    }
    metrics->worker_starts.fetch_add(1);
    pids[static_cast<std::size_t>(slot)] = pid;
    spdlog::info("started worker {} (pid {})", slot, pid);
    return true;
  };
  for (int i = 0; i < config.worker_count; ++i) {
    if (!spawn(i)) return 1;
  }

  bool stopping = false;
  int exit_code = 0;
  auto deadline = std::chrono::steady_clock::time_point::max();
  auto stop_all = [&](int sig) {
    for (pid_t p : pids)
      if (p > 0) ::kill(p, sig);
  };
  for (;;) {
    timespec wait{0, 200'000'000};
    siginfo_t info{};
    int sig = ::sigtimedwait(&signals, &info, &wait);
    if ((sig == SIGTERM || sig == SIGINT || sig == SIGHUP) && !stopping) {
      spdlog::info("received {}: draining the workers", strsignal(sig));
      stopping = true;
      deadline = std::chrono::steady_clock::now() + config.drain_timeout + std::chrono::seconds(5);
      stop_all(SIGTERM);
    }
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
      int slot = -1;
      for (std::size_t i = 0; i < pids.size(); ++i)
        if (pids[i] == pid) slot = static_cast<int>(i);
      if (slot < 0) continue;
      pids[static_cast<std::size_t>(slot)] = 0;
      metrics->worker_exits.fetch_add(1);
      metrics->accepting[slot].store(0);
      metrics->connections[slot].store(0);
      metrics->in_flight[slot].store(0);
      if (stopping) {
        spdlog::info("worker {} (pid {}) stopped: {}", slot, pid, describe_status(status));
        continue;
      }
      if (metrics->ready[slot].load() == 0) {
        // It never finished init(): restarting would only loop. Stop the
        // server and say so with the exit status.
        spdlog::critical("worker {} (pid {}) failed to start ({}); stopping", slot, pid,
                         describe_status(status));
        exit_code = WIFEXITED(status) && WEXITSTATUS(status) != 0 ? WEXITSTATUS(status) : 1;
        stopping = true;
        deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        stop_all(SIGTERM);
        continue;
      }
      spdlog::warn("worker {} (pid {}) exited ({}); starting a new one", slot, pid,
                   describe_status(status));
      if (!spawn(slot)) {
        exit_code = 1;
        stopping = true;
        stop_all(SIGTERM);
      }
    }
    bool any = false;
    for (pid_t p : pids) any |= p > 0;
    if (stopping && !any) break;
    if (stopping && std::chrono::steady_clock::now() > deadline) {
      spdlog::warn("workers did not stop in time; killing them");
      stop_all(SIGKILL);
      deadline = std::chrono::steady_clock::time_point::max();
    }
  }
  ::close(listen_fd);
  spdlog::info("kiln-serve stopped");
  return exit_code;
}

}  // namespace kiln::serve
