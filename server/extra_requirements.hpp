#pragma once

#include "server/config.hpp"

namespace kiln::serve {

// AZUREML_EXTRA_REQUIREMENTS_TXT: `pip install -r` at boot, before any worker
// starts, with pip's output in the log. Packages go to their own directory
// (KILN_EXTRA_PACKAGES_DIR, else a fresh one under $TMPDIR) that the workers
// put on sys.path, so the image's environment is never modified and a
// read-only root file system is fine. The interpreter running pip is the one
// the workers embed (see python::start_interpreter), else python3 on PATH.
// Relative paths in the file resolve against its directory.
// Fills in config.extra_packages_dir; returns false when pip fails.
bool install_extra_requirements(ServeConfig& config);

}  // namespace kiln::serve
