#pragma once

#include <CLI/CLI.hpp>

namespace kiln::cli {

// `kiln serve`: the Azure ML v1 LocalWebservice analogue.
void add_serve_command(CLI::App& app, int& exit_code);

// The kiln-serve binary: --kiln-serve, $KILN_SERVE_BIN, next to kiln (installed
// side by side, or the build tree's server/), else PATH.
std::string find_kiln_serve(const std::string& flag);

}  // namespace kiln::cli
