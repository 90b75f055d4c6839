#include "cli/package_command.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/environment_file.hpp"
#include "cli/exit_codes.hpp"
#include "cli/process.hpp"
#include "crds/environment.hpp"
#include "operator/oci/image_reference.hpp"
#include "operator/oci/registry_client.hpp"
#include "reconcilers/environment/base_image_pin.hpp"
#include "reconcilers/environment/content_tag.hpp"

namespace kiln::cli {
namespace {

namespace fs = std::filesystem;
namespace env = reconcilers::environment;

struct PackageFlags {
  std::string environment, entry_script = "score.py", source_dir, dir, image, builder, base_digest;
  std::vector<std::string> models;
  std::string runtime_image, pip_index_url;
};

api::EnvironmentSpec read_environment_spec(const std::string& path) {
  return path.empty() ? api::EnvironmentSpec{} : read_environment_file(path);
}

// The base image's digest, as the operator pins it (registry HEAD), unless given.
std::string resolve_base_digest(const std::string& image, const std::string& given) {
  if (!given.empty()) return given;
  try {
    auto reference = oci::ImageReference::parse(image);
    oci::RegistryClient registry(
        oci::RegistryClient::options_for(reference.registry, "", "", false));
    auto descriptor = registry.head_manifest(reference.repository, reference.reference());
    if (!descriptor) throw std::runtime_error("not found");
    return descriptor->digest;
  } catch (const std::exception& e) {
    throw CommandError(kExitUnavailable, "cannot resolve baseImage " + image + " to a digest (" +
                                             e.what() + "); pass --base-digest sha256:...");
  }
}

// A builder that works here: on PATH and answering (docker's daemon is up).
bool builder_works(const std::string& builder) {
  if (!find_on_path(builder)) return false;
  const std::string probe = builder == "buildah" ? " version" : " info";
  return run({"sh", "-c", "\"$0\"" + probe + " >/dev/null 2>&1", builder}) == 0;
}

std::optional<std::string> find_builder(const std::string& flag, std::string& tried) {
  std::vector<std::string> candidates = {"docker", "buildah", "podman"};
  if (!flag.empty()) candidates = {flag};
  for (const auto& b : candidates) {
    if (builder_works(b)) return b;
    if (find_on_path(b)) tried += (tried.empty() ? "" : ", ") + b + " (installed, not answering)";
  }
  return std::nullopt;
}

int package(const PackageFlags& f) {
  env::RenderOptions options;
  if (!f.runtime_image.empty()) options.default_base_image = f.runtime_image;
  if (!f.pip_index_url.empty()) options.pip_index_url = f.pip_index_url;
  const api::EnvironmentSpec spec = read_environment_spec(f.environment);

  std::vector<env::PackagedModel> models;
  for (const auto& m : f.models) models.push_back(parse_packaged_model(m));
  if (models.empty()) {
    throw CommandError(kExitInvalidInput,
                       "--model: at least one NAME[:VERSION]=IMAGE@sha256:... (kiln model "
                       "register prints it)");
  }
  env::PackageSources sources;
  sources.entry_script = f.entry_script;
  const std::string source_dir = f.source_dir.empty() ? "." : f.source_dir;
  if (!fs::is_directory(source_dir)) {
    throw CommandError(kExitInvalidInput, "--source-dir " + source_dir + ": not a directory");
  }
  sources.files = read_source_dir(source_dir);

  std::optional<std::string> pinned;
  std::string base_digest;
  if (spec.base_image) {
    base_digest = resolve_base_digest(*spec.base_image, f.base_digest);
    pinned = env::BaseImagePin{*spec.base_image, base_digest, 0, ""}.pinned_reference();
  }
  auto rendered = env::render_model_package(spec, models, sources, options, pinned);
  if (!rendered.ok()) {
    throw CommandError(kExitInvalidInput,
                       (f.environment.empty() ? "" : f.environment + ": ") + rendered.error);
  }
  const fs::path out = f.dir;
  if (fs::exists(out) && !fs::is_empty(out)) {
    throw CommandError(kExitInvalidInput, "-d " + f.dir + ": exists and is not empty");
  }
  for (const auto& [path, content] : rendered.context.files) {
    const fs::path p = out / path;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    if (p.extension() == ".sh") fs::permissions(p, fs::perms::owner_exec, fs::perm_options::add);
  }
  const std::string tag = env::content_tag({rendered.context, base_digest, options.serve_version});
  std::cout << "kiln package: wrote " << rendered.context.files.size() << " files to "
            << out.string() << " (content tag " << tag << ")\n";
  if (f.image.empty()) {
    std::cout << "Build it anywhere: docker build -t IMAGE " << out.string() << "\n";
    return kExitOk;
  }
  std::string tried;
  auto builder = find_builder(f.builder, tried);
  if (!builder) {
    throw CommandError(kExitUnavailable,
                       "--image: no container builder found (docker, buildah or podman on PATH"
                       "; or --builder NAME)" +
                           (tried.empty() ? std::string() : "; tried " + tried) +
                           ". The context in " + out.string() +
                           " builds with any of them, or with kaniko in a cluster");
  }
  const bool buildah = *builder == "buildah";
  std::vector<std::string> build = {*builder, buildah ? "bud" : "build", "-t", f.image,
                                    out.string()};
  if (run(build) != 0) throw CommandError(kExitUnavailable, *builder + " build failed");
  if (run({*builder, "push", f.image}) != 0) {
    throw CommandError(kExitUnavailable, *builder + " push " + f.image + " failed");
  }
  std::cout << "kiln package: built and pushed " << f.image << " with " << *builder << "\n";
  return kExitOk;
}

}  // namespace

env::PackagedModel parse_packaged_model(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw CommandError(kExitUsage,
                       "--model " + text + ": expected NAME[:VERSION]=IMAGE@sha256:...");
  }
  env::PackagedModel m;
  m.name = text.substr(0, eq);
  m.version = 1;
  if (auto colon = m.name.find(':'); colon != std::string::npos) {
    try {
      m.version = std::stoll(m.name.substr(colon + 1));
    } catch (const std::exception&) {
      throw CommandError(kExitUsage, "--model " + text + ": VERSION must be a number");
    }
    m.name.resize(colon);
  }
  m.image = text.substr(eq + 1);
  if (m.image.find("@sha256:") == std::string::npos) {
    throw CommandError(kExitUsage, "--model " + text +
                                       ": the model image must be pinned by digest "
                                       "(REPOSITORY@sha256:...), as the operator packages it");
  }
  return m;
}

std::map<std::string, std::string> read_source_dir(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    files[fs::relative(it->path(), dir).generic_string()] = text.str();
  }
  return files;
}

void add_package_command(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<PackageFlags>();
  auto* c = app.add_subcommand(
      "package",
      "Write the image build context (Dockerfile, entry script, sources) the operator would "
      "build for a model package; optionally build and push it");
  c->add_option("-d,--dir", f->dir, "output directory (new or empty)")->required();
  c->add_option("--model,-m", f->models,
                "NAME[:VERSION]=IMAGE@sha256:..., a registered model image; repeatable")
      ->required();
  c->add_option("--environment,-e", f->environment,
                "an Environment file (default: Kiln's runtime image, no packages)");
  c->add_option("--entry-script", f->entry_script, "relative to the source directory")
      ->capture_default_str();
  c->add_option("--source-dir", f->source_dir, "the entry script's directory (default: .)");
  c->add_option("--base-digest", f->base_digest,
                "sha256:... of the Environment's baseImage (default: asked from its registry)");
  c->add_option("--runtime-image", f->runtime_image, "kiln-operator --runtime-image");
  c->add_option("--pip-index-url", f->pip_index_url, "kiln-operator --pip-index-url");
  c->add_option("--image", f->image, "build and push the context as this image");
  c->add_option("--builder", f->builder, "docker, buildah or podman (default: the first found)");
  c->footer(R"(The directory is byte for byte the build context kiln-operator renders for a
ModelPackage with the same inputs (reconcilers/environment).

Example:
  kiln package -d pkg --model diabetes:1=registry.example.com/models/ml/diabetes@sha256:0a1b... \
      -e environment.yaml --source-dir src --entry-script score.py
  docker build -t myimage:1 pkg)");
  c->callback([f, &exit_code] { exit_code = package(*f); });
}

}  // namespace kiln::cli
