#pragma once

#include "server/config.hpp"

namespace kiln::serve::python {

// Starts CPython in this process, once, in a worker after fork (never in the
// supervisor, so every worker has its own interpreter and runs init() itself).
//
// Which packages it sees: when the configuration names a Python executable
// (KILN_PYTHON, or $VIRTUAL_ENV/bin/python), the interpreter is started as if
// it were that executable, so CPython's own start-up finds the virtualenv's
// pyvenv.cfg and uses its site-packages exactly as `python` there would. With
// neither, it is the system interpreter with its site-packages; PYTHONPATH and
// PYTHONHOME are honoured either way. Then sys.path gets, in front, the entry
// script's directory, AZUREML_EXTRA_PYTHON_LIB_PATH and the boot-time
// requirements directory, and, behind, AML_APP_ROOT and
// AZUREML_SOURCE_DIRECTORY (as azureml-inference-server-http appends them).
//
// Returns with the GIL released.
void start_interpreter(const ServeConfig& config);

}  // namespace kiln::serve::python
