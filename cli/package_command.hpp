#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "reconcilers/environment/environment_renderer.hpp"

namespace kiln::cli {

// `kiln package`: the seeds' Model.package(..., generate_dockerfile=True) and
// package.save(dir), from the same renderer the operator's ModelPackage builds use.
void add_package_command(CLI::App& app, int& exit_code);

// NAME[:VERSION]=IMAGE@sha256:... → a packaged model; throws CommandError naming the flag.
reconcilers::environment::PackagedModel parse_packaged_model(const std::string& text);

// The files of a source directory (regular files, relative paths).
std::map<std::string, std::string> read_source_dir(const std::string& dir);

}  // namespace kiln::cli
