#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "operator/runtime/metrics_registry.hpp"

namespace kiln::runtime {

// A named check for /healthz or /readyz: nullopt when healthy, otherwise why not.
using ProbeCheck = std::function<std::optional<std::string>()>;

struct ProbeServerOptions {
  std::string address = "0.0.0.0";
  unsigned short port = 8081;  // 0 picks a free port (see port())
  // Serve /metrics here too. Set false to run a metrics-only and a probe-only
  // server on two ports, as controller-runtime does (8080 and 8081).
  bool serve_metrics = true;
  bool serve_probes = true;
};

// HTTP server (Boost.Beast, one I/O thread) for the operator's endpoints:
//   GET /metrics         Prometheus text of the registry
//   GET /healthz         200 "ok" when every health check passes (liveness)
//   GET /readyz          200 "ok" when every readiness check passes, e.g. caches
//                        synced; otherwise 500 listing each check, [+] / [-]
//   GET /healthz/<name>, /readyz/<name>   one check
// `?verbose` lists every check even on success. Checks run on the I/O thread
// and must be quick.
class ProbeServer {
 public:
  ProbeServer(ProbeServerOptions options, MetricsRegistry* metrics);
  ~ProbeServer();
  ProbeServer(const ProbeServer&) = delete;
  ProbeServer& operator=(const ProbeServer&) = delete;

  // May be called before or after start().
  void add_health_check(std::string name, ProbeCheck check);
  void add_readiness_check(std::string name, ProbeCheck check);

  // Binds and starts serving; throws if the address cannot be bound.
  void start();
  // The bound port (useful with port 0); 0 before start().
  unsigned short port() const;
  // Graceful stop: stops accepting, closes idle connections, lets responses
  // being written finish, then joins the I/O thread. Idempotent.
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace kiln::runtime
