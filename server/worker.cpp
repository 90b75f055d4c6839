#include "server/worker.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <memory>
#include <thread>

#include "server/http/server.hpp"
#include "server/http/tls_context_store.hpp"
#include "server/key_store.hpp"
#include "server/python/interpreter.hpp"
#include "server/python/scoring_script.hpp"
#include "server/scoring_executor.hpp"

namespace kiln::serve {

int run_worker(const ServeConfig& config, int slot, int listen_fd, SharedMetrics& metrics) {
  spdlog::set_pattern(fmt::format("[%Y-%m-%dT%H:%M:%S.%e] [%l] [worker {} pid %P] %v", slot));

  // Everything Python lives until _exit: the objects are never destroyed
  // without the GIL, and a worker never finalises an interpreter that user
  // threads may still be using.
  python::ScoringScript* script = nullptr;
  try {
    python::start_interpreter(config);
    script = new python::ScoringScript(config);
    spdlog::info("loaded {} (run() takes {})", config.entry_script,
                 script->mode() == InputMode::kRaw      ? "the raw request (@rawhttp)"
                 : script->mode() == InputMode::kObject ? "keyword arguments (inference-schema)"
                                                        : "the JSON body as a string");
    spdlog::info("calling init()");
    script->init();
  } catch (const python::PythonError& e) {
    spdlog::critical("{}\n{}", e.what(), e.traceback);
    return kExitInitFailed;
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return kExitInitFailed;
  }
  spdlog::info("init() done; serving");

  KeyStore keys(Keys{config.primary_key, config.secondary_key}, config.keys_file);
  std::unique_ptr<http::TlsContextStore> tls;
  if (!config.tls_cert_file.empty()) {
    try {
      tls = std::make_unique<http::TlsContextStore>(config.tls_cert_file, config.tls_key_file);
    } catch (const http::TlsError& e) {
      spdlog::critical("TLS: {}", e.what());
      return kExitInitFailed;
    }
  }
  ScoringExecutor executor(*script, config.debug, config.spin);
  boost::asio::io_context io(1);
  http::WorkerState state{config,
                          metrics,
                          slot,
                          keys,
                          executor,
                          script->mode(),
                          script->wants_headers(),
                          script->swagger(2),
                          script->swagger(3),
                          script->swagger(31),
                          tls.get()};
  auto server = std::make_shared<http::Server>(io, listen_fd, std::move(state));

  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    server->begin_drain([&] {
      executor.stop();
      io.stop();
    });
  });
  // The supervisor forked us with these blocked; Asio's handlers are in place now.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);

  metrics.ready[slot].store(1);
  server->start();
  std::thread io_thread([&] {
    // Signals go to the main thread's handler only when it is not blocked;
    // either thread may take them, Asio forwards them to the io_context.
    io.run();
  });
  executor.run();  // this thread is the scoring thread, until the drain stops it
  io_thread.join();
  spdlog::info("drained; exiting");
  return 0;
}

}  // namespace kiln::serve
