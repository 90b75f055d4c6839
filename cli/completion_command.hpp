#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace kiln::cli {

// `kiln completion bash`: a bash completion script generated from the
// command tree itself, so it never goes stale.
void add_completion_command(CLI::App& app, int& exit_code);

std::string bash_completion(const CLI::App& root);

}  // namespace kiln::cli
