// kiln-fetch: registers a model source as a content-addressed OCI image, and
// pulls a model image into a directory. The command line and the result line
// are the contract with the Model controller (KILN_FETCH_CONTRACT.md).
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "fetch/pull_command.hpp"
#include "fetch/register_command.hpp"
#include "fetch/result_line.hpp"

namespace {

using kiln::fetch::FetchError;
using kiln::fetch::Reason;

void write_result(const std::string& path, const std::string& line) {
  std::cout << line << std::endl;
  if (path.empty() || path == "-") return;
  std::ofstream out(path, std::ios::trunc);
  out << line;
  if (!out) spdlog::warn("cannot write the result to {}", path);
}

void add_registry_flags(CLI::App* cmd, std::string& config, std::string& ca, bool& plain_http) {
  cmd->add_option("--registry-config", config,
                  "docker config.json with the registry credentials (.dockerconfigjson)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--registry-ca", ca, "CA bundle (PEM) trusted for the registry")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--registry-plain-http", plain_http, "speak http:// to the registry");
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_logger_mt("kiln-fetch"));
  spdlog::set_pattern("kiln-fetch: %l: %v");

  CLI::App app{"kiln-fetch: model sources to content-addressed OCI images, and back"};
  app.require_subcommand(1);
  std::string result_file = "/dev/termination-log";
  int retries = 5;

  kiln::fetch::RegisterOptions reg;
  auto* r = app.add_subcommand("register", "read a source, hash it, push it as a one-layer image");
  r->add_option("--source", reg.source, "https://, s3://, file:// or oci:// URI")->required();
  r->add_option("--repository", reg.repository, "HOST[:PORT]/models/<ns>/<name>")->required();
  r->add_option("--sha256", reg.sha256, "expected sha256 of the content");
  add_registry_flags(r, reg.registry_config, reg.registry_ca, reg.registry_plain_http);
  r->add_option("--source-secret-dir", reg.source_secret_dir,
                "https: file 'headers'; s3: accessKeyId, secretAccessKey, endpoint, region")
      ->check(CLI::ExistingDirectory);
  r->add_option("--source-ca", reg.source_ca, "CA bundle (PEM) trusted for the source")
      ->check(CLI::ExistingFile);
  r->add_option("--work-dir", reg.work_dir,
                "where the layer is assembled (an unnamed temporary file); default $TMPDIR or /tmp")
      ->check(CLI::ExistingDirectory);
  r->add_option("--result-file", result_file, "where the one-line JSON result goes");
  r->add_option("--attempts", retries, "attempts per transfer on transient errors")
      ->check(CLI::Range(1, 20));

  kiln::fetch::PullOptions pull;
  auto* p = app.add_subcommand("pull", "extract a model image's layer into a directory");
  p->add_option("--image", pull.image, "HOST/REPO@sha256:...")->required();
  p->add_option("--dest", pull.dest, "directory to create with the model files")->required();
  add_registry_flags(p, pull.registry_config, pull.registry_ca, pull.registry_plain_http);
  p->add_option("--result-file", result_file, "where the one-line JSON result goes");
  p->add_option("--attempts", retries, "attempts per transfer on transient errors")
      ->check(CLI::Range(1, 20));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    write_result(result_file, kiln::fetch::failure_line(Reason::kInvalidArguments, e.what()));
    return kiln::fetch::exit_code(Reason::kInvalidArguments);
  }
  if (reg.work_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    reg.work_dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  reg.retry.attempts = retries;
  pull.retry.attempts = retries;

  try {
    if (r->parsed()) {
      write_result(result_file, kiln::fetch::success_line(kiln::fetch::run_register(reg)));
    } else {
      auto res = kiln::fetch::run_pull(pull);
      nlohmann::ordered_json j = {{"digest", res.digest},
                                  {"image", pull.image},
                                  {"sizeBytes", res.size_bytes},
                                  {"files", res.files},
                                  {"alreadyPresent", res.already_present}};
      write_result(result_file, j.dump());
    }
    return 0;
  } catch (const FetchError& e) {
    spdlog::error("{}: {}", kiln::fetch::reason_name(e.reason()), e.what());
    write_result(result_file, kiln::fetch::failure_line(e.reason(), e.what()));
    return kiln::fetch::exit_code(e.reason());
  } catch (const std::exception& e) {
    // Local failures (disk full, ...): reported on the side being worked on.
    const Reason reason = r->parsed() ? Reason::kSourceUnreachable : Reason::kRegistryUnreachable;
    spdlog::error("{}", e.what());
    write_result(result_file,
                 kiln::fetch::failure_line(reason, std::string("kiln-fetch: ") + e.what()));
    return kiln::fetch::exit_code(reason);
  }
}
