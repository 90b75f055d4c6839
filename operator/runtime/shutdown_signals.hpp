#pragma once

#include <atomic>
#include <csignal>
#include <stop_token>
#include <thread>

namespace kiln::runtime {

// Turns SIGTERM and SIGINT into a stop request, as controller-runtime's
// SetupSignalHandler does: the first signal requests a graceful stop (queues
// drain, the Lease is released); a second one exits at once with status 1,
// for when graceful shutdown hangs.
// At most one instance may exist at a time; the previous handlers are
// restored when it is destroyed.
class ShutdownSignals {
 public:
  ShutdownSignals();
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  std::stop_token token() const { return source_.get_token(); }
  // Requests the same stop without a signal (e.g. on a fatal error).
  void request_stop() { source_.request_stop(); }
  // Blocks until stop is requested.
  void wait() const;
  // The first signal received, or 0.
  int received_signal() const { return received_.load(); }

 private:
  void watch();

  std::stop_source source_;
  std::atomic<int> received_{0};
  int pipe_read_ = -1;
  struct sigaction previous_term_ {};
  struct sigaction previous_int_ {};
  std::thread watcher_;
};

}  // namespace kiln::runtime
