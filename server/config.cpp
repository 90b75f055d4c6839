#include "server/config.hpp"

#include <charconv>
#include <filesystem>
#include <limits>
#include <system_error>

extern char** environ;

namespace kiln::serve {
namespace {

namespace fs = std::filesystem;

std::string get(const Environment& env, const std::string& name, std::string fallback = "") {
  auto it = env.find(name);
  return it == env.end() || it->second.empty() ? fallback : it->second;
}

long long get_number(const Environment& env, const std::string& name, long long fallback,
                     long long min, long long max) {
  std::string text = get(env, name);
  if (text.empty()) return fallback;
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw ConfigError(name + " must be an integer, got '" + text + "'");
  }
  if (value < min || value > max) {
    throw ConfigError(name + " must be between " + std::to_string(min) + " and " +
                      std::to_string(max) + ", got " + text);
  }
  return value;
}

std::chrono::milliseconds get_ms(const Environment& env, const std::string& name,
                                 std::chrono::milliseconds fallback) {
  return std::chrono::milliseconds(
      get_number(env, name, fallback.count(), 1, std::numeric_limits<int>::max()));
}

bool truthy(const std::string& v) {
  return v == "1" || v == "true" || v == "TRUE" || v == "True";
}

std::string resolve_against(const std::string& base, const std::string& path) {
  if (path.empty()) return "";
  fs::path p(path);
  if (p.is_relative()) p = fs::path(base) / p;
  return p.lexically_normal().string();
}

}  // namespace

ServeConfig config_from_environment(const Environment& env, const std::string& cwd) {
  ServeConfig c;
  c.app_root = get(env, "AML_APP_ROOT", c.app_root);
  c.source_dir = get(env, "AZUREML_SOURCE_DIRECTORY");
  c.model_dir = get(env, "AZUREML_MODEL_DIR");

  // azureml-inference-server-http joins the entry script to the app root and
  // falls back to main.py on sys.path; `kiln serve` on a laptop passes a path
  // relative to the working directory, so try that second.
  std::string entry = get(env, "AZUREML_ENTRY_SCRIPT", "main.py");
  std::error_code ec;
  fs::path script(entry);
  if (script.is_relative()) {
    fs::path in_root = fs::path(c.app_root) / script;
    fs::path in_source = c.source_dir.empty() ? fs::path() : fs::path(c.source_dir) / script;
    if (fs::is_regular_file(in_root, ec)) {
      script = in_root;
    } else if (!in_source.empty() && fs::is_regular_file(in_source, ec)) {
      script = in_source;
    } else {
      script = fs::path(cwd) / script;
    }
  }
  script = script.lexically_normal();
  if (!fs::is_regular_file(script, ec)) {
    throw ConfigError("AZUREML_ENTRY_SCRIPT: no such file: " + script.string() +
                      " (relative paths are looked up in AML_APP_ROOT=" + c.app_root +
                      ", then in the working directory)");
  }
  c.entry_script = script.string();
  c.script_dir = script.parent_path().string();

  c.host = get(env, "KILN_HOST", c.host);
  c.port = static_cast<std::uint16_t>(get_number(env, "SERVER_PORT", c.port, 0, 65535));
  c.worker_count = static_cast<int>(get_number(env, "WORKER_COUNT", c.worker_count, 1, 256));
  c.scoring_timeout = get_ms(env, "SCORING_TIMEOUT_MS", c.scoring_timeout);
  c.extra_requirements = resolve_against(c.script_dir, get(env, "AZUREML_EXTRA_REQUIREMENTS_TXT"));
  c.extra_lib_path = resolve_against(c.script_dir, get(env, "AZUREML_EXTRA_PYTHON_LIB_PATH"));
  if (!c.extra_requirements.empty() && !fs::is_regular_file(c.extra_requirements, ec)) {
    throw ConfigError("AZUREML_EXTRA_REQUIREMENTS_TXT: no such file: " + c.extra_requirements);
  }
  c.extra_packages_dir = resolve_against(cwd, get(env, "KILN_EXTRA_PACKAGES_DIR"));

  c.python_executable = get(env, "KILN_PYTHON");
  if (c.python_executable.empty() && !get(env, "VIRTUAL_ENV").empty()) {
    c.python_executable = (fs::path(get(env, "VIRTUAL_ENV")) / "bin" / "python").string();
  }

  c.max_body_bytes = static_cast<std::size_t>(
      get_number(env, "KILN_MAX_BODY_BYTES", static_cast<long long>(c.max_body_bytes), 1,
                 std::numeric_limits<std::uint32_t>::max()));
  c.max_concurrent_requests = static_cast<int>(
      get_number(env, "KILN_MAX_CONCURRENT_REQUESTS", c.max_concurrent_requests, 1, 1 << 20));
  c.header_timeout = get_ms(env, "KILN_HEADER_TIMEOUT_MS", c.header_timeout);
  c.idle_timeout = get_ms(env, "KILN_IDLE_TIMEOUT_MS", c.idle_timeout);
  c.body_timeout = get_ms(env, "KILN_BODY_TIMEOUT_MS", c.body_timeout);
  c.drain_timeout = get_ms(env, "KILN_DRAIN_TIMEOUT_MS", c.drain_timeout);
  c.spin = std::chrono::microseconds(get_number(env, "KILN_SPIN_US", c.spin.count(), 0, 10'000));

  c.primary_key = get(env, "KILN_PRIMARY_KEY");
  c.secondary_key = get(env, "KILN_SECONDARY_KEY");
  c.keys_file = resolve_against(cwd, get(env, "KILN_AUTH_KEYS_FILE"));

  c.debug = truthy(get(env, "KILN_DEBUG"));
  c.strict_json = truthy(get(env, "KILN_STRICT_JSON"));
  c.tls_cert_file = resolve_against(cwd, get(env, "KILN_TLS_CERT_FILE"));
  c.tls_key_file = resolve_against(cwd, get(env, "KILN_TLS_KEY_FILE"));
  if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
    throw ConfigError("KILN_TLS_CERT_FILE and KILN_TLS_KEY_FILE must be set together");
  }
  c.service_name = get(env, "SERVICE_NAME", c.service_name);
  c.service_version = get(env, "SERVICE_VERSION", c.service_version);
  return c;
}

Environment process_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

}  // namespace kiln::serve
