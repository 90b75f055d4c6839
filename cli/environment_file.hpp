#pragma once

// The Environment a local command (`kiln serve -e`, `kiln package -e`) is
// given as a file: its first Environment document, defaulted and validated as
// the API server would.

#include <string>

#include "crds/environment.hpp"

namespace kiln::cli {

// Throws CommandError(kExitInvalidInput) naming the document when it does not
// parse or validate, or the file when it holds no Environment.
api::EnvironmentSpec read_environment_file(const std::string& path);

}  // namespace kiln::cli
