#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

namespace kiln::serve {

using Environment = std::map<std::string, std::string>;

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Everything kiln-serve reads from its environment. Azure ML's names where
// Azure ML has one (AZUREML_*, AML_APP_ROOT, SERVER_PORT, WORKER_COUNT,
// SCORING_TIMEOUT_MS); KILN_* for what azureml-inference-server-http lacks.
struct ServeConfig {
  std::string entry_script;  // absolute path of score.py
  std::string script_dir;    // its directory: base of the relative paths below
  std::string app_root = "/var/azureml-app";
  std::string source_dir;        // AZUREML_SOURCE_DIRECTORY, added to sys.path
  std::string model_dir;         // AZUREML_MODEL_DIR, passed through to the script
  std::string host = "0.0.0.0";  // KILN_HOST
  std::uint16_t port = 5001;     // SERVER_PORT
  int worker_count = 1;          // WORKER_COUNT
  std::chrono::milliseconds scoring_timeout{3'600'000};  // SCORING_TIMEOUT_MS
  std::string extra_requirements;                        // AZUREML_EXTRA_REQUIREMENTS_TXT, resolved
  std::string extra_lib_path;                            // AZUREML_EXTRA_PYTHON_LIB_PATH, resolved
  std::string extra_packages_dir;           // KILN_EXTRA_PACKAGES_DIR: where boot-time pip installs
  std::string python_executable;            // KILN_PYTHON, else $VIRTUAL_ENV/bin/python, else empty
  std::size_t max_body_bytes = 100u << 20;  // KILN_MAX_BODY_BYTES
  int max_concurrent_requests = 64;         // KILN_MAX_CONCURRENT_REQUESTS (per worker)
  std::chrono::milliseconds header_timeout{10'000};  // KILN_HEADER_TIMEOUT_MS
  std::chrono::milliseconds idle_timeout{60'000};    // KILN_IDLE_TIMEOUT_MS (keep-alive)
  std::chrono::milliseconds body_timeout{60'000};    // KILN_BODY_TIMEOUT_MS
  std::chrono::milliseconds drain_timeout{30'000};   // KILN_DRAIN_TIMEOUT_MS (SIGTERM)
  std::chrono::microseconds spin{50};                // KILN_SPIN_US: see ScoringExecutor
  std::string primary_key;                           // KILN_PRIMARY_KEY
  std::string secondary_key;                         // KILN_SECONDARY_KEY
  std::string keys_file;      // KILN_AUTH_KEYS_FILE (re-read when it changes)
  bool debug = false;         // KILN_DEBUG=1: the exception's text and traceback in 500s
  bool strict_json = false;   // KILN_STRICT_JSON=1: a plain run() gets only valid JSON (400 before)
  std::string tls_cert_file;  // KILN_TLS_CERT_FILE: PEM chain; with the key, serve HTTPS
  std::string tls_key_file;   // KILN_TLS_KEY_FILE: PEM private key (both re-read on change)
  std::string service_name = "ML service";  // SERVICE_NAME (swagger)
  std::string service_version = "1.0";      // SERVICE_VERSION (swagger)

  bool auth_enabled() const {
    return !primary_key.empty() || !secondary_key.empty() || !keys_file.empty();
  }
};

// Reads the configuration from `env`. Relative paths: AZUREML_ENTRY_SCRIPT
// against AML_APP_ROOT (then the working directory `cwd`); the extra
// requirements file and lib path against the entry script's directory.
// Throws ConfigError with a message naming the variable on bad input.
ServeConfig config_from_environment(const Environment& env, const std::string& cwd);

// The process environment as a map.
Environment process_environment();

}  // namespace kiln::serve
