#pragma once

// The operator-wide inputs of the Environment renderer: Kiln's own images and
// the package index a cluster without internet uses. All references are pinned
// by digest in production, so the rendered context names exactly what is built.

#include <optional>
#include <string>

namespace kiln::reconcilers::environment {

struct RenderOptions {
  // Kiln's runtime image: Debian with CPython in a virtualenv at /opt/kiln/env
  // (Debian's Python is externally managed, PEP 668) and kiln-serve installed.
  std::string default_base_image = "ghcr.io/kiln-dev/kiln-runtime:0.1.0";
  // The CPython of the default base image.
  std::string default_python_version = "3.11";
  // An image holding /wheels/kiln_serve-<version>-cpXY-cpXY-<platform>.whl, one per CPython ABI.
  std::string serve_wheels_image = "ghcr.io/kiln-dev/kiln-serve-wheels:0.1.0";
  std::string serve_version = "0.1.0";
  // Used when the Environment names no index of its own (python.pipIndexUrl).
  std::optional<std::string> pip_index_url;
};

}  // namespace kiln::reconcilers::environment
