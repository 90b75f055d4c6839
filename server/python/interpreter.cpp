#include "server/python/interpreter.hpp"

#include <Python.h>

#include <stdexcept>
#include <string>

namespace kiln::serve::python {
namespace {

void check(PyStatus status, const char* what) {
  if (PyStatus_Exception(status)) {
    throw std::runtime_error(std::string("Python start-up failed (") + what +
                             "): " + (status.err_msg ? status.err_msg : "unknown error"));
  }
}

void add_paths(const ServeConfig& c) {
  PyObject* sys_path = PySys_GetObject("path");  // borrowed
  if (!sys_path) throw std::runtime_error("sys.path is missing");
  auto insert = [&](Py_ssize_t index, const std::string& dir) {
    if (dir.empty()) return;
    PyObject* s = PyUnicode_DecodeFSDefault(dir.c_str());
    if (!s) throw std::runtime_error("bad path " + dir);
    int rc = index < 0 ? PyList_Append(sys_path, s) : PyList_Insert(sys_path, index, s);
    Py_DECREF(s);
    if (rc != 0) throw std::runtime_error("cannot extend sys.path with " + dir);
  };
  // In front, in this order: script dir, extra lib path, boot-time packages.
  insert(0, c.extra_packages_dir);
  insert(0, c.extra_lib_path);
  insert(0, c.script_dir);
  insert(-1, c.app_root);
  insert(-1, c.source_dir);
}

}  // namespace

void start_interpreter(const ServeConfig& c) {
  if (Py_IsInitialized()) throw std::logic_error("the interpreter is already running");
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  // kiln-serve owns SIGINT/SIGTERM; Python must not install handlers.
  config.install_signal_handlers = 0;
  config.buffered_stdio = 0;  // print() in score.py shows up in the logs at once
  config.parse_argv = 0;
  try {
    if (!c.python_executable.empty()) {
      check(PyConfig_SetBytesString(&config, &config.program_name, c.python_executable.c_str()),
            "program name");
    }
    char arg0[] = "kiln-serve";
    char* argv[] = {arg0};
    check(PyConfig_SetBytesArgv(&config, 1, argv), "argv");
    check(Py_InitializeFromConfig(&config), "initialise");
  } catch (...) {
    PyConfig_Clear(&config);
    throw;
  }
  PyConfig_Clear(&config);
  add_paths(c);
  PyEval_SaveThread();  // the scoring thread takes the GIL around each call
}

}  // namespace kiln::serve::python
