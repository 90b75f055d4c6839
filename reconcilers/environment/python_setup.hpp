#pragma once

// How an Environment gets the Python that kiln-serve embeds and the packages
// the scoring script imports. Decided from the spec alone (pure).

#include <optional>
#include <string>

#include "crds/environment.hpp"

namespace kiln::reconcilers::environment {

enum class PythonSetup {
  // Kiln's runtime image: pip packages go into its virtualenv /opt/kiln/env.
  runtime_venv,
  // condaDependencies or condaFile: `conda env create --prefix /opt/kiln/env`
  // with the base image's conda; kiln-serve for that environment's Python.
  conda_env,
  // A custom base image (or baseDockerfile) without conda dependencies: a
  // virtualenv over the image's own python3 (system site packages visible),
  // pip packages installed into it.
  base_venv,
  // userManagedDependencies: the image's Python as it is; only kiln-serve is added.
  user_managed,
};

std::string_view to_string(PythonSetup setup);

PythonSetup choose_python_setup(const api::EnvironmentSpec& spec);

// The CPython version the spec pins (python.version, or a `python` conda
// dependency such as "python=3.6.2"), if any.
std::optional<std::string> pinned_python_version(const api::EnvironmentSpec& spec);

// The CPython versions kiln-serve ships for (one wheel per ABI).
inline constexpr int kMinPythonMinor = 8;   // 3.8
inline constexpr int kMaxPythonMinor = 13;  // 3.13

// Why the spec's pinned Python cannot run kiln-serve (empty when it can, or
// when nothing is pinned: the image's Python is then checked at build time).
std::string unsupported_python(const api::EnvironmentSpec& spec);

}  // namespace kiln::reconcilers::environment
