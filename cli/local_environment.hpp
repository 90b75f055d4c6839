#pragma once

// `kiln serve --environment`: what of an Environment can be reproduced on
// this machine. Its pip packages go into a cached virtualenv (keyed by the
// packages, the index and the Python), its env vars into kiln-serve's
// environment; what only an image build can do (a base image, conda
// packages) is named in a warning. Pure.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crds/environment.hpp"

namespace kiln::cli {

struct LocalEnvironment {
  std::vector<std::string> pip;  // to install, in the Environment's order
  std::optional<std::string> index_url;
  std::map<std::string, std::string> env;
  bool user_managed = false;  // the current Python as it is
  std::vector<std::string> warnings;
};

// `local_python` is "3.11" (the Python kiln-serve embeds here).
LocalEnvironment local_environment(const api::EnvironmentSpec& spec,
                                   const std::string& local_python);

// The cache key of the virtualenv: packages, index and Python ("<python>@<version>").
std::string virtualenv_key(const LocalEnvironment& env, const std::string& python_identity);

}  // namespace kiln::cli
