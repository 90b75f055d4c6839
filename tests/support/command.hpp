#pragma once

#include <string>
#include <vector>

namespace kiln::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, interleaved
};

// Runs argv[0] (looked up on PATH) with the given arguments, feeding `input`
// to its standard input, and waits for it to finish.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input = "");

}  // namespace kiln::testing
