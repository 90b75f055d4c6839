// EventRecorder against an API server that never answers: recording never
// blocks the caller, and destruction gives up within seconds instead of
// waiting out the request timeout. (What the real API server does with the
// Events is covered by HelpersTest in the cluster tests.)
#include "operator/kube/event_recorder.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace kiln::kube {
namespace {

using Clock = std::chrono::steady_clock;

// A socket that listens and never accepts: connections complete in the
// kernel's backlog, requests are sent, and no answer ever comes.
class SilentServer {
 public:
  SilentServer() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() { close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

nlohmann::json config_map() {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", "subject"}, {"namespace", "ns"}, {"uid", "u-1"}}}};
}

TEST(EventRecorder, RecordReturnsAtOnceAndDestructionGivesUpWithinSeconds) {
  SilentServer server;
  ClientConfig config;
  config.server = server.url();
  auto client = std::make_shared<RestClient>(config);
  const auto started = Clock::now();
  {
    EventRecorder recorder(client, "kiln.dev/operator", "test");
    for (int i = 0; i < 20; ++i) {
      recorder.record(config_map(), EventType::kNormal, "Step", "Test", std::to_string(i));
    }
    EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(500)) << "record() waited";
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the first write is in flight
  }
  const auto took = Clock::now() - started;
  EXPECT_LT(took, std::chrono::seconds(5))
      << std::chrono::duration<double>(took).count() << " s to destroy";
  EXPECT_GT(took, std::chrono::milliseconds(1500)) << "the queued events got no chance";
}

}  // namespace
}  // namespace kiln::kube
