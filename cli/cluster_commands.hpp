#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>

namespace kiln::cli {

// `kiln status SERVICE`, `kiln keys get|rotate SERVICE`.
void add_status_command(CLI::App& app, int& exit_code);
void add_keys_command(CLI::App& app, int& exit_code);

// The human summary of an InferenceService (pure): scoring URL, readiness,
// the reason when not ready, how to call it.
std::string describe_service(const nlohmann::json& service);

}  // namespace kiln::cli
