#pragma once

#include <CLI/CLI.hpp>

#include "cli/render.hpp"

namespace kiln::cli {

// The operator-wide flags kiln-operator takes that shape what it applies.
void add_operator_flags(CLI::App& command, OperatorSettings& settings, std::string& model_delivery);
// Applies the string flags (model delivery) to `settings`; throws CommandError on a bad value.
void finish_operator_flags(OperatorSettings& settings, const std::string& model_delivery);

void add_render_command(CLI::App& app, int& exit_code);

}  // namespace kiln::cli
