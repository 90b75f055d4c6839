#include "server/python/scoring_script.hpp"

#include <pybind11/embed.h>
#include <spdlog/spdlog.h>
#include <strings.h>

#include <chrono>

#include "server/http/python_json.hpp"

namespace kiln::serve::python {

extern const char* const kRuntimeSource;       // kiln_runtime.py, embedded at build time
extern const char* const kAzuremlModelSource;  // azureml_model.py, embedded at build time

namespace py = pybind11;

struct ScoringScript::Objects {
  py::module_ runtime;
  py::object script, run, prepare, encode, describe, bad_input, encode_error, unicode_error;
};

namespace {

// The runtime module, made from the source compiled into the binary.
py::module_ load_runtime() {
  py::module_ sys = py::module_::import("sys");
  py::dict modules = sys.attr("modules");
  if (modules.contains("kiln_runtime")) return modules["kiln_runtime"];
  py::module_ types = py::module_::import("types");
  py::module_ m = types.attr("ModuleType")("kiln_runtime");
  m.attr("__file__") = "<kiln-serve>/kiln_runtime.py";
  modules["kiln_runtime"] = m;
  py::object code = py::module_::import("builtins")
                        .attr("compile")(kRuntimeSource, "<kiln-serve>/kiln_runtime.py", "exec");
  py::module_::import("builtins").attr("exec")(code, m.attr("__dict__"));
  return m;
}

PythonError to_python_error(const py::error_already_set& e, const py::module_* runtime,
                            const std::string& context) {
  std::string tb = e.what();
  std::string message = context + ": " + e.what();
  if (runtime) {
    try {
      py::tuple d = runtime->attr("describe")(e.value(), e.trace());
      message = context + ": " + d[0].cast<std::string>() + ": " + d[1].cast<std::string>();
      tb = d[2].cast<std::string>();
    } catch (const py::error_already_set&) {
    }
  }
  return PythonError(message, tb);
}

std::string error_body(const std::string& message) {
  return python_json_object({{"message", message}});
}

}  // namespace

ScoringScript::ScoringScript(const ServeConfig& config) : py_(nullptr) {
  py::gil_scoped_acquire gil;
  auto objects = std::make_unique<Objects>();
  try {
    objects->runtime = load_runtime();
  } catch (const py::error_already_set& e) {
    throw to_python_error(e, nullptr, "cannot load kiln_runtime");
  }
  try {
    objects->script =
        objects->runtime.attr("load")(config.entry_script, config.app_root, kAzuremlModelSource);
    objects->run = objects->script.attr("run");
    objects->prepare = objects->script.attr("prepare");
    objects->encode = objects->runtime.attr("encode");
    objects->describe = objects->runtime.attr("describe");
    objects->bad_input = objects->runtime.attr("BadInput");
    objects->encode_error = objects->runtime.attr("EncodeError");
    objects->unicode_error = py::module_::import("builtins").attr("UnicodeDecodeError");
    std::string mode = objects->script.attr("mode").cast<std::string>();
    mode_ = mode == "raw" ? InputMode::kRaw
                          : (mode == "object" ? InputMode::kObject : InputMode::kJsonString);
    wants_headers_ = objects->script.attr("wants_headers").cast<bool>();
  } catch (const py::error_already_set& e) {
    throw to_python_error(e, &objects->runtime, "cannot load " + config.entry_script);
  }
  try {
    py::list dirs;
    dirs.append(config.app_root);
    dirs.append(config.script_dir);
    py::dict docs = objects->runtime.attr("swagger_documents")(objects->script, config.service_name,
                                                               config.service_version, dirs);
    if (!docs["2"].is_none()) swagger2_ = docs["2"].cast<std::string>();
    if (!docs["3"].is_none()) swagger3_ = docs["3"].cast<std::string>();
    if (!docs["31"].is_none()) swagger31_ = docs["31"].cast<std::string>();
  } catch (const py::error_already_set& e) {
    throw to_python_error(e, &objects->runtime, "cannot build the swagger documents");
  }
  py_ = objects.release();
}

ScoringScript::~ScoringScript() {
  if (!py_) return;
  py::gil_scoped_acquire gil;
  delete py_;
}

void ScoringScript::init() {
  py::gil_scoped_acquire gil;
  try {
    py_->script.attr("init")();
  } catch (const py::error_already_set& e) {
    throw to_python_error(e, &py_->runtime, "init() failed");
  }
}

std::optional<std::string> ScoringScript::swagger(int version) const {
  return version == 31 ? swagger31_ : version == 3 ? swagger3_ : swagger2_;
}

namespace {

// Where a failure happened decides what the client is told.
enum class Phase { kPrepare, kRun, kEncode };

ScoreResponse failure(Phase phase, const std::string& request_id, const std::string& type,
                      const std::string& message, const std::string& tb, bool debug) {
  ScoreResponse out;
  out.status = 500;
  bool in_run = phase == Phase::kRun;
  const char* text = in_run ? kRunFailedMessage : kInternalErrorMessage;
  out.body = debug ? python_json_object({{"message", text},
                                         {"request_id", request_id},
                                         {"error", type},
                                         {"detail", message},
                                         {"traceback", tb}})
                   : python_json_object({{"message", text}, {"request_id", request_id}});
  out.headers.emplace_back("x-ms-run-function-failed", in_run ? "True" : "False");
  const char* what = phase == Phase::kRun      ? "run() raised"
                     : phase == Phase::kEncode ? "cannot encode what run() returned:"
                                               : "cannot prepare run()'s input:";
  spdlog::error("request {}: {} {}: {}\n{}", request_id, what, type, message, tb);
  return out;
}

}  // namespace

ScoreResponse ScoringScript::score(const ScoreRequest& request, bool debug) {
  ScoreResponse out;
  Phase phase = Phase::kPrepare;
  py::gil_scoped_acquire gil;
  try {
    py::object result;
    std::chrono::steady_clock::time_point start;
    if (mode_ == InputMode::kJsonString && !wants_headers_ && request.method == "POST") {
      // The hot path: run(raw_data) with the body as a str, one copy.
      PyObject* text = PyUnicode_DecodeUTF8(request.body.data(),
                                            static_cast<Py_ssize_t>(request.body.size()), "strict");
      if (!text) {
        py::error_already_set e;
        if (!e.matches(py_->unicode_error)) throw e;
        // The reference server's 400, with Python's own description.
        out.status = 400;
        out.body = error_body("Input cannot be decoded as UTF-8: " +
                              py::str(e.value()).cast<std::string>());
        return out;
      }
      py::object arg = py::reinterpret_steal<py::object>(text);
      phase = Phase::kRun;
      start = std::chrono::steady_clock::now();
      result = py_->run(arg);
    } else {
      py::list headers;
      for (const auto& [k, v] : request.headers) headers.append(py::make_tuple(k, v));
      py::dict kwargs;
      try {
        kwargs = py_->prepare(request.method, request.path, request.query, headers,
                              py::bytes(request.body));
      } catch (py::error_already_set& e) {
        if (!e.matches(py_->bad_input)) throw;
        out.status = e.value().attr("status").cast<int>();
        out.body = error_body(e.value().attr("message").cast<std::string>());
        return out;
      }
      phase = Phase::kRun;
      start = std::chrono::steady_clock::now();
      result = py_->run(**kwargs);
    }
    auto elapsed = std::chrono::steady_clock::now() - start;
    double run_ms = std::chrono::duration<double, std::milli>(elapsed).count();

    phase = Phase::kEncode;
    py::object encoded = py_->encode(result);
    out.run_ms = run_ms;
    if (PyUnicode_Check(encoded.ptr())) {
      Py_ssize_t size = 0;
      const char* data = PyUnicode_AsUTF8AndSize(encoded.ptr(), &size);
      if (!data) throw py::error_already_set();
      out.body.assign(data, static_cast<std::size_t>(size));
      return out;
    }
    py::tuple parts = encoded;
    out.status = parts[0].cast<int>();
    out.from_response_object = true;
    out.content_type.clear();
    for (auto item : parts[1]) {
      py::tuple kv = item.cast<py::tuple>();
      auto name = kv[0].cast<std::string>();
      auto value = kv[1].cast<std::string>();
      bool is_content_type =
          name.size() == 12 && strncasecmp(name.c_str(), "content-type", 12) == 0;
      if (is_content_type) {
        out.content_type = value;
      } else {
        out.headers.emplace_back(std::move(name), std::move(value));
      }
    }
    out.body = parts[2].cast<std::string>();
    if (out.status < 100 || out.status > 599)
      throw std::runtime_error("run() returned a response with status " +
                               std::to_string(out.status));
    return out;
  } catch (const py::error_already_set& e) {
    py::tuple d = py_->describe(e.value(), e.trace());
    return failure(phase, request.request_id, d[0].cast<std::string>(), d[1].cast<std::string>(),
                   d[2].cast<std::string>(), debug);
  } catch (const std::exception& e) {
    return failure(Phase::kEncode, request.request_id, "Error", e.what(), "", debug);
  }
}

}  // namespace kiln::serve::python
