// kiln-serve: hosts an Azure ML v1 entry script (score.py) unchanged.
// Configured through the environment, as in Azure ML's images (see
// server/config.hpp); the few flags override the matching variables, for
// `kiln serve` on a laptop.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>

#include "server/config.hpp"
#include "server/http/tls_context_store.hpp"
#include "server/supervisor.hpp"

int main(int argc, char** argv) {
  CLI::App app{"kiln-serve: the Kiln inference server for Azure ML entry scripts"};
  std::string entry_script, model_dir, port, workers;
  app.add_option("--entry-script", entry_script, "score.py (AZUREML_ENTRY_SCRIPT)");
  app.add_option("--model-dir", model_dir, "model directory (AZUREML_MODEL_DIR)");
  app.add_option("--port", port, "port (SERVER_PORT, default 5001)");
  app.add_option("--workers", workers, "worker processes (WORKER_COUNT, default 1)");
  app.set_version_flag("--version", "kiln-serve 0.1.0");
  CLI11_PARSE(app, argc, argv);
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec).string();
  auto set = [&](const char* name, const std::string& value, bool path) {
    if (value.empty()) return;
    std::string v = path ? std::filesystem::absolute(value, ec).string() : value;
    ::setenv(name, v.c_str(), 1);
  };
  set("AZUREML_ENTRY_SCRIPT", entry_script, true);
  set("AZUREML_MODEL_DIR", model_dir, true);
  set("SERVER_PORT", port, false);
  set("WORKER_COUNT", workers, false);

  spdlog::set_pattern("[%Y-%m-%dT%H:%M:%S.%e] [%l] [supervisor pid %P] %v");
  try {
    auto config = kiln::serve::config_from_environment(kiln::serve::process_environment(), cwd);
    if (!config.tls_cert_file.empty()) {  // a bad certificate fails now, not in every worker
      kiln::serve::http::load_tls_context(config.tls_cert_file, config.tls_key_file);
    }
    return kiln::serve::run_supervisor(std::move(config));
  } catch (const kiln::serve::ConfigError& e) {
    spdlog::critical("configuration: {}", e.what());
    return 2;
  } catch (const kiln::serve::http::TlsError& e) {
    spdlog::critical("TLS: {}", e.what());
    return 2;
  }
}
