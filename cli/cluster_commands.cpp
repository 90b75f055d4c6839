#include "cli/cluster_commands.hpp"

#include <chrono>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "cli/cluster_connection.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output_format.hpp"
#include "crds/kinds.hpp"
#include "operator/kube/api_time.hpp"
#include "reconcilers/inference_service/keys.hpp"
#include "reconcilers/inference_service/names.hpp"

namespace kiln::cli {
namespace {

using nlohmann::json;
namespace isvc = reconcilers::inference_service;

json ready_condition(const json& service) {
  for (const auto& c : service.value("/status/conditions"_json_pointer, json::array())) {
    if (c.value("type", "") == "Ready") return c;
  }
  return nullptr;
}

bool is_ready(const json& service) {
  const json c = ready_condition(service);
  return c.is_object() && c.value("status", "") == "True" &&
         service.value("/status/observedGeneration"_json_pointer, json(0)) ==
             service.value("/metadata/generation"_json_pointer, json(0));
}

std::string keys_secret(const json& service) {
  return service.value("/status/keysSecretName"_json_pointer,
                       isvc::keys_secret_name(service["metadata"].value("name", "")));
}

bool auth_enabled(const json& service) {
  const json enabled = service.value("/spec/auth/enabled"_json_pointer, json());
  if (enabled.is_boolean()) return enabled.get<bool>();
  const std::string target = service.value("/spec/target"_json_pointer, std::string("cluster"));
  return target == "cluster" || target == "accelerated";
}

}  // namespace

std::string describe_service(const json& s) {
  const std::string name = s["metadata"].value("name", "");
  const std::string ns = s["metadata"].value("namespace", "");
  const json ready = ready_condition(s);
  std::ostringstream out;
  out << "InferenceService " << ns << "/" << name << "\n";
  out << "  Ready:        "
      << (is_ready(s) ? "True"
          : ready.is_object()
              ? ready.value("status", "Unknown") + " (" + ready.value("reason", "") + ")"
              : std::string("Unknown (not reconciled yet: is kiln-operator running?)"))
      << "\n";
  if (!is_ready(s) && ready.is_object() && !ready.value("message", "").empty()) {
    out << "  Why:          " << ready.value("message", "") << "\n";
  }
  const std::string uri = s.value("/status/scoringUri"_json_pointer, std::string());
  out << "  Scoring URL:  " << (uri.empty() ? "(none yet)" : uri) << "\n";
  if (auto swagger = s.value("/status/swaggerUri"_json_pointer, std::string()); !swagger.empty()) {
    out << "  Swagger:      " << swagger << "\n";
  }
  for (const auto& m : s.value("/status/modelVersions"_json_pointer, json::array())) {
    out << "  Model:        " << m.value("name", "") << " v" << m.value("version", 0) << "\n";
  }
  if (auto image = s.value("/status/image"_json_pointer, std::string()); !image.empty()) {
    out << "  Image:        " << image << "\n";
  }
  if (auto replicas = s.value("/status/replicas"_json_pointer, json()); replicas.is_number()) {
    out << "  Replicas:     " << replicas.get<int>() << "\n";
  }
  out << "How to call it:\n";
  out << "  kubectl -n " << ns << " port-forward service/" << name << " 8080:80 &\n";
  if (auth_enabled(s)) {
    out << "  KEY=$(kiln keys get " << name << " -n " << ns << " --primary)\n";
    out << "  curl -H \"Authorization: Bearer $KEY\" -H 'Content-Type: application/json' "
           "-d @request.json http://127.0.0.1:8080/score\n";
  } else {
    out << "  curl -H 'Content-Type: application/json' -d @request.json "
           "http://127.0.0.1:8080/score\n";
  }
  if (!uri.empty()) out << "  (inside the cluster: " << uri << ")\n";
  return out.str();
}

void add_status_command(CLI::App& app, int& exit_code) {
  struct Flags {
    ClusterFlags cluster;
    std::string name, output;
  };
  auto f = std::make_shared<Flags>();
  auto* c = app.add_subcommand(
      "status", "Scoring URL, readiness (and why not), how to call an InferenceService");
  c->add_option("service", f->name, "the InferenceService")->required();
  c->add_option("-o,--output", f->output, "yaml or json: the status object instead of a summary");
  add_cluster_flags(*c, f->cluster);
  c->footer(R"(Exit code 0 when Ready, 4 when not (the reason is printed), 1 when there is no
such service, 3 when the cluster cannot be reached.

Example:
  kiln status diabetes -n ml)");
  c->callback([f, &exit_code] {
    auto conn = connect(f->cluster);
    const json service = with_api_errors(
        "InferenceService " + conn.namespace_ + "/" + f->name,
        [&] { return conn.client->get(api::inference_services(), conn.namespace_, f->name); });
    if (!f->output.empty()) {
      auto format = parse_output_format(f->output);
      if (!format) throw CommandError(kExitUsage, "-o: expected yaml or json, got " + f->output);
      std::cout << format_objects({service.value("status", json::object())}, *format);
    } else {
      std::cout << describe_service(service);
    }
    exit_code = is_ready(service) ? kExitOk : kExitNotReady;
  });
}

void add_keys_command(CLI::App& app, int& exit_code) {
  struct Flags {
    ClusterFlags cluster;
    std::string name, output, key = "primary";
    bool primary = false, secondary = false, no_wait = false;
    int timeout = 60;
  };
  auto f = std::make_shared<Flags>();
  auto* keys = app.add_subcommand("keys", "Get or rotate an InferenceService's keys");
  keys->require_subcommand(1);
  keys->footer(R"(Examples:
  kiln keys get diabetes -n ml
  kiln keys rotate diabetes -n ml --key secondary)");

  auto* get = keys->add_subcommand("get", "Print the primary and secondary keys");
  get->add_option("service", f->name, "the InferenceService")->required();
  get->add_flag("--primary", f->primary, "print only the primary key (for scripts)");
  get->add_flag("--secondary", f->secondary, "print only the secondary key");
  get->add_option("-o,--output", f->output, "json or yaml");
  add_cluster_flags(*get, f->cluster);
  get->footer(
      "Example:\n  curl -H \"Authorization: Bearer $(kiln keys get diabetes --primary)\" ...");
  get->callback([f, &exit_code] {
    auto conn = connect(f->cluster);
    const std::string who = "InferenceService " + conn.namespace_ + "/" + f->name;
    const json service = with_api_errors(
        who, [&] { return conn.client->get(api::inference_services(), conn.namespace_, f->name); });
    if (!auth_enabled(service)) {
      throw CommandError(kExitInvalidInput, who + " has key auth off (spec.auth.enabled)");
    }
    const std::string secret_name = keys_secret(service);
    const json secret = with_api_errors("Secret " + conn.namespace_ + "/" + secret_name, [&] {
      return conn.client->get(kube::resources::secrets(), conn.namespace_, secret_name);
    });
    json keys = json::object();
    for (const char* k : {"primaryKey", "secondaryKey"}) {
      auto decoded = isvc::base64_decode(secret.value("/data"_json_pointer / k, std::string()));
      if (!decoded) throw CommandError(kExitUnavailable, "Secret " + secret_name + ": no " + k);
      keys[k] = *decoded;
    }
    if (f->primary || f->secondary) {
      std::cout << keys[f->primary ? "primaryKey" : "secondaryKey"].get<std::string>() << "\n";
    } else if (!f->output.empty()) {
      auto format = parse_output_format(f->output);
      if (!format) throw CommandError(kExitUsage, "-o: expected yaml or json, got " + f->output);
      std::cout << format_objects({keys}, *format);
    } else {
      std::cout << "primaryKey:   " << keys["primaryKey"].get<std::string>() << "\n"
                << "secondaryKey: " << keys["secondaryKey"].get<std::string>() << "\n";
    }
    exit_code = kExitOk;
  });

  auto* rotate = keys->add_subcommand("rotate", "Replace one key with a fresh one");
  rotate->add_option("service", f->name, "the InferenceService")->required();
  rotate->add_option("--key", f->key, "primary or secondary")->capture_default_str();
  rotate->add_flag("--no-wait", f->no_wait, "return once asked, without waiting for the new key");
  rotate->add_option("--timeout", f->timeout, "seconds to wait for kiln-operator")
      ->capture_default_str();
  add_cluster_flags(*rotate, f->cluster);
  rotate->footer("Example:\n  kiln keys rotate diabetes --key secondary -n ml");
  rotate->callback([f, &exit_code] {
    if (f->key != "primary" && f->key != "secondary") {
      throw CommandError(kExitUsage, "--key: expected primary or secondary, got " + f->key);
    }
    const bool primary = f->key == "primary";
    auto conn = connect(f->cluster);
    const std::string who = "InferenceService " + conn.namespace_ + "/" + f->name;
    const std::string when = kube::format_api_micro_time(std::chrono::system_clock::now());
    const json patch = {
        {"metadata",
         {{"annotations",
           {{primary ? isvc::kRotatePrimaryAnnotation : isvc::kRotateSecondaryAnnotation,
             when}}}}}};
    with_api_errors(who, [&] {
      return conn.client->patch(api::inference_services(), conn.namespace_, f->name,
                                kube::PatchType::kMerge, patch);
    });
    if (f->no_wait) {
      std::cout << "asked kiln-operator to rotate the " << f->key << " key of " << who << " ("
                << when << ")\n";
      exit_code = kExitOk;
      return;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(f->timeout);
    const auto pointer = primary ? "/status/primaryKeyRotatedAt"_json_pointer
                                 : "/status/secondaryKeyRotatedAt"_json_pointer;
    while (std::chrono::steady_clock::now() < deadline) {
      const json service = with_api_errors(who, [&] {
        return conn.client->get(api::inference_services(), conn.namespace_, f->name);
      });
      if (service.value(pointer, std::string()) == when) {
        std::cout << "rotated the " << f->key << " key of " << who << " at " << when
                  << " (kiln keys get " << f->name << " prints it)\n";
        exit_code = kExitOk;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    throw CommandError(kExitUnavailable, "kiln-operator did not rotate the " + f->key + " key of " +
                                             who + " within " + std::to_string(f->timeout) +
                                             " s; is it running?");
  });
}

}  // namespace kiln::cli
