#pragma once

#include "server/config.hpp"

namespace kiln::serve {

// The parent process: installs the extra requirements, binds the listening
// socket, forks WORKER_COUNT workers that inherit it, restarts a worker that
// dies or is replaced after a scoring timeout, exits non-zero when a worker's
// init() fails, and on SIGTERM/SIGINT lets every worker drain, then exits 0.
// It never starts Python itself.
int run_supervisor(ServeConfig config);

}  // namespace kiln::serve
