#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "operator/runtime/metrics_registry.hpp"
#include "scheduler/extender.hpp"

namespace kiln::scheduler {

struct ExtenderServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8888;  // 0 picks a free port (see port())
  std::size_t body_limit = 64 * 1024 * 1024;
  int threads = 1;
};

// The extender's HTTP server (Boost.Beast):
//   POST <prefix>/filter       ExtenderArgs → ExtenderFilterResult
//   POST <prefix>/prioritize   ExtenderArgs → HostPriorityList
//   GET  /metrics              Prometheus text of the registry
//   GET  /healthz              200 "ok" while the server answers
//   GET  /readyz               200 "ok" when `ready` says so (informer caches synced), else 503
// A body over body_limit gets 413 with an Error; unknown paths 404, wrong methods 405.
class ExtenderServer {
 public:
  using ReadyCheck = std::function<std::optional<std::string>()>;  // nullopt = ready
  ExtenderServer(ExtenderServerOptions options, const Extender& extender,
                 runtime::MetricsRegistry& metrics, ReadyCheck ready);
  ~ExtenderServer();
  ExtenderServer(const ExtenderServer&) = delete;
  ExtenderServer& operator=(const ExtenderServer&) = delete;

  void start();  // binds (throws if it cannot) and serves on background threads
  unsigned short port() const;
  void stop();  // idempotent

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace kiln::scheduler
