#include "cli/render_command.hpp"

#include <iostream>
#include <memory>

#include "cli/exit_codes.hpp"
#include "cli/output_format.hpp"

namespace kiln::cli {

void add_operator_flags(CLI::App& c, OperatorSettings& s, std::string& model_delivery) {
  auto group = "Operator settings (as given to kiln-operator)";
  c.add_option("--registry", s.registry, "kiln-operator --registry: Kiln's registry, HOST[:PORT]")
      ->group(group);
  c.add_option("--system-namespace", s.job.namespace_, "kiln-operator --system-namespace")
      ->group(group);
  c.add_option("--builder-image", s.job.builder_image, "kiln-operator --builder-image")
      ->group(group);
  c.add_option("--runtime-image", s.render.default_base_image, "kiln-operator --runtime-image")
      ->group(group);
  c.add_option("--pip-index-url", s.render.pip_index_url, "kiln-operator --pip-index-url")
      ->group(group);
  c.add_flag("--registry-plain-http", s.job.insecure_registry,
             "kiln-operator --registry-plain-http")
      ->group(group);
  c.add_option("--model-delivery", model_delivery,
               "kiln-operator --model-delivery: image-volume or init-container")
      ->group(group);
  c.add_option("--fetch-image", s.serving.fetch_image, "kiln-operator --fetch-image")->group(group);
  c.add_flag("--scheduler-extender", s.serving.scheduler_extender,
             "kiln-operator --scheduler-extender")
      ->group(group);
  c.add_option("--cluster-domain", s.serving.cluster_domain, "kiln-operator --cluster-domain")
      ->group(group);
}

void finish_operator_flags(OperatorSettings& s, const std::string& model_delivery) {
  namespace isvc = reconcilers::inference_service;
  if (model_delivery == "image-volume") {
    s.serving.model_delivery = isvc::ModelDelivery::image_volume;
  } else if (model_delivery == "init-container") {
    s.serving.model_delivery = isvc::ModelDelivery::init_container;
  } else {
    throw CommandError(
        kExitUsage,
        "--model-delivery: expected image-volume or init-container, got " + model_delivery);
  }
  s.serving.registry_plain_http = s.job.insecure_registry;
}

void add_render_command(CLI::App& app, int& exit_code) {
  struct Flags {
    std::vector<std::string> files;
    std::string output = "yaml";
    std::string model_delivery = "image-volume";
    bool no_builds = false;
    OperatorSettings settings;
  };
  auto flags = std::make_shared<Flags>();
  auto* c = app.add_subcommand(
      "render",
      "Print the Kubernetes objects kiln-operator would apply for Kiln resources (for kubectl "
      "diff and GitOps review)");
  c->add_option("-f,--filename", flags->files,
                "Kiln resources: a file, a directory (its *.yaml, *.yml, *.json) or - for stdin")
      ->required();
  c->add_option("-o,--output", flags->output, "yaml or json")->capture_default_str();
  c->add_option("-n,--namespace", flags->settings.default_namespace,
                "namespace of resources that name none")
      ->capture_default_str();
  c->add_flag("--no-builds", flags->no_builds,
              "leave out Environments' build Jobs and context ConfigMaps");
  add_operator_flags(*c, flags->settings, flags->model_delivery);
  c->footer(R"(What needs the cluster (image digests, generated keys, uids) is printed as a
placeholder "<kiln:...>", never invented. Models and Environments given with their
status (kubectl get -o yaml) are used as they are.

Example:
  kiln render -f crds/examples/ --registry registry.kiln-system:5000 | kubectl diff -f -)");
  c->callback([flags, &exit_code] {
    auto format = parse_output_format(flags->output);
    if (!format) throw CommandError(kExitUsage, "-o: expected yaml or json, got " + flags->output);
    finish_operator_flags(flags->settings, flags->model_delivery);
    flags->settings.builds = !flags->no_builds;
    RenderOutput out;
    try {
      out = render(read_documents(flags->files), flags->settings);
    } catch (const InputError& e) {
      throw CommandError(kExitInvalidInput, e.what());
    } catch (const std::runtime_error& e) {
      throw CommandError(kExitInvalidInput, e.what());
    }
    for (const auto& w : out.warnings) std::cerr << "kiln render: warning: " << w << "\n";
    std::cout << format_objects(out.objects, *format);
    exit_code = kExitOk;
  });
}

}  // namespace kiln::cli
