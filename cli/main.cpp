// kiln: Kiln's command line. Serve and package models locally, render what
// the operator would apply, import Azure ML v1 deployments, and talk to a
// cluster (status, keys, model registration). `kiln --help` lists the
// subcommands; each `--help` ends with an example.

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"

int main(int argc, char** argv) {
  using namespace kiln::cli;
  // Progress from the shared libraries (kiln-fetch's register, ...) goes to
  // stderr: stdout carries only what a command prints for scripts.
  spdlog::set_default_logger(spdlog::stderr_color_mt("kiln"));
  spdlog::set_pattern("kiln: %v");
  CLI::App app{"kiln: serve, package, render and import Kiln models; talk to a Kiln cluster"};
  app.name("kiln");
  app.require_subcommand(1);
  app.set_version_flag("--version", "kiln 0.1.0");
  app.footer(R"(Exit codes (every subcommand):
  0  success
  1  invalid input: the message names the file and the field
  2  bad command line
  3  cluster, registry or builder unreachable or refusing
  4  kiln status: the service is not Ready

Examples:
  kiln serve --model model.pkl --entry-script score.py
  kiln render -f kiln/ | kubectl diff -f -
  kiln import --inference-config inferenceconfig.json --deployment-config deploymentconfig.json \
      --model diabetes=https://example.com/model.pkl -d out/
  kiln status my-service)");
  int exit_code = kExitOk;
  add_all_commands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  } catch (const CommandError& e) {
    std::cerr << "kiln: " << e.what() << "\n";
    return e.code();
  } catch (const std::exception& e) {
    std::cerr << "kiln: " << e.what() << "\n";
    return kExitUnavailable;
  }
  return exit_code;
}
