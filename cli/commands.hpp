#pragma once

#include <CLI/CLI.hpp>

namespace kiln::cli {

// Registers every subcommand; each sets `exit_code` when it finishes.
void add_all_commands(CLI::App& app, int& exit_code);

}  // namespace kiln::cli
