#include "cli/model_command.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/cluster_connection.hpp"
#include "cli/exit_codes.hpp"
#include "crds/kinds.hpp"
#include "crds/model.hpp"
#include "fetch/fetch_error.hpp"
#include "fetch/register_command.hpp"

namespace kiln::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct RegisterFlags {
  ClusterFlags cluster;
  std::string name, path, description, registry, registry_config, registry_ca;
  std::vector<std::string> tags;
  bool plain_http = false, no_wait = false;
  int timeout = 120;
};

// The version the Model controller gave `digest`, if it has.
std::optional<std::int64_t> version_of(const json& model, const std::string& digest) {
  for (const auto& v : model.value("/status/versions"_json_pointer, json::array())) {
    if (v.value("digest", "") == digest && v.contains("version"))
      return v["version"].get<std::int64_t>();
  }
  if (model.value("/status/digest"_json_pointer, std::string()) == digest &&
      model.contains("status") && model["status"].contains("version")) {
    return model["status"]["version"].get<std::int64_t>();
  }
  return std::nullopt;
}

int register_model(const RegisterFlags& f) {
  if (!fs::exists(f.path)) {
    throw CommandError(kExitInvalidInput, "--path " + f.path + ": does not exist");
  }
  if (f.registry.empty()) {
    throw CommandError(kExitUsage,
                       "--registry: Kiln's registry HOST[:PORT] (kiln-operator --registry) is "
                       "required");
  }
  json tags = json::object();
  for (const auto& t : f.tags) {
    const auto eq = t.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw CommandError(kExitUsage, "--tag " + t + ": expected KEY=VALUE");
    }
    tags[t.substr(0, eq)] = t.substr(eq + 1);
  }
  auto conn = connect(f.cluster);
  const std::string who = "Model " + conn.namespace_ + "/" + f.name;

  // The Model first, without applying it, to check the name and fields as the API would.
  json model = {
      {"apiVersion", api::kApiVersion},
      {"kind", api::kModelKind},
      {"metadata", {{"name", f.name}, {"namespace", conn.namespace_}}},
      {"spec",
       {{"source",
         {{"uri", "oci://" + f.registry + "/models/x@sha256:" + std::string(64, '0')}}}}}};
  if (!tags.empty()) model["spec"]["tags"] = tags;
  if (!f.description.empty()) model["spec"]["description"] = f.description;
  {
    auto typed = model.get<api::Model>();
    api::apply_defaults(typed);
    if (auto errors = api::validate(typed); !errors.empty()) {
      throw CommandError(kExitInvalidInput, who + ": " + api::to_string(errors));
    }
  }

  fetch::RegisterOptions options;
  options.source = "file://" + fs::absolute(f.path).lexically_normal().string();
  options.repository = f.registry + "/models/" + conn.namespace_ + "/" + f.name;
  options.registry_config = f.registry_config;
  options.registry_ca = f.registry_ca;
  options.registry_plain_http = f.plain_http;
  fetch::RegisterResult pushed;
  try {
    pushed = fetch::run_register(options);
  } catch (const std::exception& e) {
    throw CommandError(kExitUnavailable,
                       "pushing " + f.path + " to " + options.repository + ": " + e.what());
  }
  std::cerr << "kiln model register: pushed " << f.path << " (" << pushed.size_bytes
            << " bytes, sha256 " << pushed.content_sha256 << ") as " << pushed.image << "\n";

  model["spec"]["source"]["uri"] = "oci://" + pushed.image;
  with_api_errors(who, [&] { return conn.client->apply(api::models(), model, "kiln-cli", true); });
  if (f.no_wait) {
    std::cout << who << " applied with source oci://" << pushed.image << "\n";
    return kExitOk;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(f.timeout);
  while (std::chrono::steady_clock::now() < deadline) {
    const json current = with_api_errors(
        who, [&] { return conn.client->get(api::models(), conn.namespace_, f.name); });
    if (auto version = version_of(current, pushed.digest)) {
      std::cout << who << " version " << *version << " (" << pushed.image << ")\n";
      return kExitOk;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  throw CommandError(kExitUnavailable,
                     who + " has no version for " + pushed.digest + " after " +
                         std::to_string(f.timeout) +
                         " s; is kiln-operator running? (kubectl describe model " + f.name + ")");
}

}  // namespace

void add_model_command(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<RegisterFlags>();
  auto* model = app.add_subcommand("model", "Register models");
  model->require_subcommand(1);
  model->footer(
      "Example:\n  kiln model register --name diabetes --path sklearn_regression_model.pkl "
      "--registry registry.example.com");
  auto* c = model->add_subcommand(
      "register", "Push local model files as a model image and apply the Model (Model.register)");
  c->add_option("--name", f->name, "the Model's name")->required();
  c->add_option("--path", f->path, "a model file or directory")->required();
  c->add_option("--tag", f->tags, "KEY=VALUE, repeatable");
  c->add_option("--description", f->description, "a description");
  c->add_option("--registry", f->registry,
                "Kiln's registry HOST[:PORT] (kiln-operator --registry)");
  c->add_option("--registry-config", f->registry_config,
                "docker config.json with push credentials");
  c->add_option("--registry-ca", f->registry_ca, "PEM CA bundle of the registry");
  c->add_flag("--registry-plain-http", f->plain_http, "http:// to the registry (loopback tests)");
  c->add_flag("--no-wait", f->no_wait, "do not wait for the version");
  c->add_option("--timeout", f->timeout, "seconds to wait for the version")->capture_default_str();
  add_cluster_flags(*c, f->cluster);
  c->footer(R"(The image is what kiln-fetch registration produces (one deterministic tar layer);
the Model's source is oci://REGISTRY/models/NAMESPACE/NAME@sha256:...

Example:
  kiln model register --name diabetes --path sklearn_regression_model.pkl \
      --tag area=diabetes --description "Ridge regression" --registry registry.example.com -n ml)");
  c->callback([f, &exit_code] { exit_code = register_model(*f); });
}

}  // namespace kiln::cli
