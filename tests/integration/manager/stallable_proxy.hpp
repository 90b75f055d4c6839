#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kiln::testing {

// A loopback TCP proxy to one upstream address (TLS passes through
// untouched), which a test can stall: while stalled it accepts and holds
// connections but forwards nothing in either direction, as an API server
// that stopped answering looks to the one client behind the proxy, while
// clients that talk to the server directly are unaffected.
class StallableProxy {
 public:
  StallableProxy(std::string upstream_host, unsigned short upstream_port);
  ~StallableProxy();
  StallableProxy(const StallableProxy&) = delete;
  StallableProxy& operator=(const StallableProxy&) = delete;

  unsigned short port() const { return port_; }
  void stall() { stalled_ = true; }
  void resume() { stalled_ = false; }

 private:
  void accept_loop();
  void pump(int client_fd);

  std::string upstream_host_;
  unsigned short upstream_port_;
  int listen_fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stalled_{false};
  std::atomic<bool> stopping_{false};
  std::mutex threads_mu_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace kiln::testing
