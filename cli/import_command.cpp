#include "cli/import_command.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/azureml_import.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output_format.hpp"
#include "cli/render.hpp"

namespace kiln::cli {

void add_import_command(CLI::App& app, int& exit_code) {
  struct Flags {
    ImportRequest request;
    std::string inference_config, deployment_config, target, namespace_, output = "yaml", dir;
  };
  auto f = std::make_shared<Flags>();
  auto* c = app.add_subcommand(
      "import",
      "Turn Azure ML v1 inferenceconfig.json / deploymentconfig.json into Kiln resources");
  c->add_option("--name", f->request.name, "name of the InferenceService (az ml model deploy -n)")
      ->required();
  c->add_option("--inference-config,--ic", f->inference_config, "inferenceconfig.json")->required();
  c->add_option("--deployment-config,--dc", f->deployment_config,
                "deploymentconfig.json (computeType aci, aks or local)");
  c->add_option("--model,-m", f->request.models,
                "NAME[:VERSION]=URI, repeatable (https://, s3://, file://, oci://)");
  c->add_option("--target", f->target,
                "dev, cluster, edge or accelerated (default: from computeType; IoT Edge: edge)");
  c->add_option("-n,--namespace", f->namespace_, "set metadata.namespace on every resource");
  c->add_option("-o,--output", f->output, "yaml or json")->capture_default_str();
  c->add_option("-d,--dir", f->dir, "write one file per resource into this directory");
  c->footer(R"(Fields that Kiln does not map are listed as warnings on stderr; a wrong type or
value is an error naming the file and field (exit code 1).

Example:
  kiln import --name diabetes --ic inferenceconfig.json --dc deploymentconfig.json \
      --model diabetes=https://example.com/sklearn_regression_model.pkl | kubectl apply -f -)");
  c->callback([f, &exit_code] {
    auto format = parse_output_format(f->output);
    if (!format) throw CommandError(kExitUsage, "-o: expected yaml or json, got " + f->output);
    f->request.inference_config = f->inference_config;
    if (!f->deployment_config.empty()) f->request.deployment_config = f->deployment_config;
    if (!f->target.empty()) f->request.target = f->target;
    if (!f->namespace_.empty()) f->request.namespace_ = f->namespace_;
    ImportResult result;
    try {
      result = import_azureml(f->request);
    } catch (const InputError& e) {
      throw CommandError(kExitInvalidInput, e.what());
    }
    for (const auto& w : result.warnings) std::cerr << "kiln import: warning: " << w << "\n";
    if (f->dir.empty()) {
      std::cout << format_objects(result.objects, *format);
    } else {
      namespace fs = std::filesystem;
      fs::create_directories(f->dir);
      for (const auto& o : result.objects) {
        std::string kind = o["kind"];
        for (auto& ch : kind) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        const auto path =
            fs::path(f->dir) / (kind + "-" + o["metadata"]["name"].get<std::string>() +
                                (*format == OutputFormat::json ? ".json" : ".yaml"));
        std::ofstream out(path);
        out << format_objects({o}, *format);
        if (!out) throw CommandError(kExitInvalidInput, path.string() + ": cannot be written");
        std::cout << path.string() << "\n";
      }
    }
    exit_code = kExitOk;
  });
}

}  // namespace kiln::cli
