#pragma once

// An actionable reason for a failed build, read from the builder's own log
// (kaniko's and pip's/conda's messages, and the checks of install_serve.py).

#include <string>

namespace kiln::reconcilers::environment {

struct BuildFailure {
  std::string reason;   // CamelCase condition reason
  std::string message;  // what happened and what to do
};

// `job_reason`: the Job's Failed condition reason (BackoffLimitExceeded, DeadlineExceeded);
// `log_tail`: the last lines of the builder's log.
BuildFailure classify_build_failure(const std::string& job_reason, const std::string& log_tail);

// The last `max_lines` lines of `log` (at most `max_bytes`, cut at a line start).
std::string log_tail(const std::string& log, std::size_t max_lines = 20,
                     std::size_t max_bytes = 4096);

}  // namespace kiln::reconcilers::environment
