#include "operator/runtime/shutdown_signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <system_error>

namespace kiln::runtime {
namespace {

// Written by the signal handler; a handler may only make async-signal-safe
// calls, so it just writes the signal number into a pipe.
std::atomic<int> g_pipe_write{-1};
std::atomic<bool> g_installed{false};

constexpr unsigned char kQuit = 0;  // not a signal number: tells the watcher to exit

void on_signal(int signo) {
  const int saved_errno = errno;
  const int fd = g_pipe_write.load();
  if (fd >= 0) {
    const unsigned char byte = static_cast<unsigned char>(signo);
    [[maybe_unused]] auto n = ::write(fd, &byte, 1);
  }
  errno = saved_errno;
}

}  // namespace

ShutdownSignals::ShutdownSignals() {
  if (g_installed.exchange(true)) {
    throw std::logic_error("ShutdownSignals: only one instance may exist at a time");
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    g_installed = false;
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  pipe_read_ = fds[0];
  g_pipe_write = fds[1];

  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &action, &previous_term_);
  ::sigaction(SIGINT, &action, &previous_int_);
  watcher_ = std::thread([this] { watch(); });
}

ShutdownSignals::~ShutdownSignals() {
  ::sigaction(SIGTERM, &previous_term_, nullptr);
  ::sigaction(SIGINT, &previous_int_, nullptr);
  const int fd = g_pipe_write.exchange(-1);
  const unsigned char quit = kQuit;
  [[maybe_unused]] auto n = ::write(fd, &quit, 1);
  watcher_.join();
  ::close(fd);
  ::close(pipe_read_);
  g_installed = false;
}

void ShutdownSignals::watch() {
  while (true) {
    unsigned char byte = 0;
    const auto n = ::read(pipe_read_, &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n != 1 || byte == kQuit) return;
    int expected = 0;
    if (received_.compare_exchange_strong(expected, byte)) {
      source_.request_stop();
    } else {
      // Second signal: the graceful path is taking too long.
      std::_Exit(1);
    }
  }
}

void ShutdownSignals::wait() const {
  std::mutex mutex;
  std::condition_variable_any cv;
  std::unique_lock lock(mutex);
  cv.wait(lock, token(), [] { return false; });
}

}  // namespace kiln::runtime
