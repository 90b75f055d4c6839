#pragma once

#include <CLI/CLI.hpp>

namespace kiln::cli {

void add_import_command(CLI::App& app, int& exit_code);

}  // namespace kiln::cli
