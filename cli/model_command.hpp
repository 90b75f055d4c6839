#pragma once

#include <CLI/CLI.hpp>

namespace kiln::cli {

// `kiln model register`: the seeds' Model.register(model_path=...) — local
// files pushed as a model image (kiln-fetch's format, by its own code), the
// Model applied with that image as its source, its version printed.
void add_model_command(CLI::App& app, int& exit_code);

}  // namespace kiln::cli
