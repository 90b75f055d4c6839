#pragma once

#include "server/config.hpp"
#include "server/metrics.hpp"

namespace kiln::serve {

// Exit status of a worker whose script failed to load or whose init() raised.
inline constexpr int kExitInitFailed = 3;

// The body of one forked worker process: starts its own interpreter, loads
// the entry script and calls init() once, then serves the inherited listening
// socket (HTTP on one thread, run() on this one) until SIGTERM has drained it.
// Returns the process's exit status.
int run_worker(const ServeConfig& config, int slot, int listen_fd, SharedMetrics& metrics);

}  // namespace kiln::serve
