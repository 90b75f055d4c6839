#include "fetch/register_command.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "fetch/error_mapping.hpp"
#include "fetch/layer_file.hpp"
#include "fetch/source.hpp"
#include "operator/oci/digest.hpp"
#include "operator/oci/image_manifest.hpp"
#include "operator/oci/image_reference.hpp"
#include "operator/oci/registry_client.hpp"

namespace kiln::fetch {
namespace {

oci::ImageReference parse_repository(const std::string& repository) {
  oci::ImageReference ref;
  try {
    ref = oci::ImageReference::parse(repository);
  } catch (const oci::InvalidReference& e) {
    throw FetchError(Reason::kInvalidArguments, std::string("--repository: ") + e.what());
  }
  if (!ref.tag.empty() || !ref.digest.empty()) {
    throw FetchError(Reason::kInvalidArguments,
                     "--repository '" + repository + "' must not have a tag or digest");
  }
  return ref;
}

std::string normalized_sha256(const std::string& given) {
  std::string hex = given;
  if (hex.starts_with("sha256:")) hex = hex.substr(7);
  std::transform(hex.begin(), hex.end(), hex.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!hex.empty() && !oci::is_sha256_hex(hex)) {
    throw FetchError(Reason::kInvalidArguments,
                     "--sha256 '" + given + "' is not 64 hexadecimal digits");
  }
  return hex;
}

oci::RegistryClient registry_client(const std::string& registry, const RegisterOptions& o,
                                    bool plain_http) {
  try {
    return oci::RegistryClient(
        oci::RegistryClient::options_for(registry, o.registry_config, o.registry_ca, plain_http));
  } catch (const oci::InvalidDockerConfig& e) {
    throw FetchError(Reason::kInvalidArguments, std::string("--registry-config: ") + e.what());
  }
}

// Runs one registry step with retries, mapping its failures for `side`.
template <typename F>
auto registry_step(const RetryPolicy& retry, Side side, const std::string& what, F&& f) {
  decltype(f()) result{};
  with_retries(retry, what, [&] {
    try {
      result = f();
    } catch (...) {
      rethrow_as_fetch_error(side, what);
    }
  });
  return result;
}

void check_sha256(const std::string& expected, const std::string& actual,
                  const std::string& source) {
  if (!expected.empty() && expected != actual) {
    throw FetchError(Reason::kDigestMismatch,
                     "the source " + source + " has sha256 " + actual + " but " + expected +
                         " was expected (spec.source.sha256); nothing was pushed. Fix the "
                         "expected sha256, or the source if it was not meant to change.");
  }
}

RegisterResult resolve_oci(const SourceUri& uri, const std::string& expected,
                           const RegisterOptions& o) {
  const oci::ImageReference ref = oci::ImageReference::parse(uri.image);
  const bool plain = o.registry_plain_http && oci::is_loopback_registry(ref.registry);
  oci::RegistryClient client = registry_client(ref.registry, o, plain);
  const std::string what = "resolve " + uri.image;
  auto manifest = registry_step(o.retry, Side::kSource, what, [&] {
    return client.get_manifest(ref.repository, ref.reference());
  });
  std::uint64_t size = 0;
  try {
    for (const auto& l : oci::parse_image_manifest(manifest.body).layers) size += l.size;
  } catch (const oci::InvalidManifest&) {
    size = manifest.body.size();  // an index: its own size
  }
  RegisterResult r;
  r.digest = manifest.digest;
  r.content_sha256 = manifest.digest.substr(7);
  r.size_bytes = size;
  r.image = ref.pinned(manifest.digest);
  check_sha256(expected, r.content_sha256, "oci://" + uri.image);
  return r;
}

}  // namespace

RegisterResult run_register(const RegisterOptions& o) {
  const SourceUri uri = SourceUri::parse(o.source);
  const oci::ImageReference repo = parse_repository(o.repository);
  const std::string expected = normalized_sha256(o.sha256);
  if (uri.kind == SourceUri::Kind::kOci) return resolve_oci(uri, expected, o);

  // 1. Source -> layer tar (an unlinked temporary file), hashing on the way.
  std::unique_ptr<Source> source = make_source(uri, {o.source_secret_dir, o.source_ca});
  std::vector<SourceFile> files;
  with_retries(o.retry, "list " + o.source, [&] { files = source->list(); });
  LayerFile layer(o.work_dir.empty() ? "/tmp" : o.work_dir);
  std::set<std::string> directories;
  std::string single_file_sha;
  std::uint64_t total = 0;
  for (const auto& f : files) {
    // Parent directories first, once each, so the tar is complete on its own.
    for (auto slash = f.name.find('/'); slash != std::string::npos;
         slash = f.name.find('/', slash + 1)) {
      std::string dir = f.name.substr(0, slash);
      if (directories.insert(dir).second) layer.add_directory(dir);
    }
    try {
      layer.begin_file(f.name);
    } catch (const std::invalid_argument& e) {
      throw FetchError(Reason::kSourceNotFound, e.what());
    }
    spdlog::info("reading {} -> {}", f.location, f.name);
    oci::Sha256 hash;
    with_retries(o.retry, "read " + f.location, [&] {
      layer.restart_file();
      hash = oci::Sha256();
      oci::BodySink sink = [&](std::string_view piece) {
        hash.update(piece);
        layer.append(piece);
        return true;
      };
      source->read(f, sink);
    });
    layer.end_file();
    total += layer.current_file_size();
    single_file_sha = hash.hex();
  }
  layer.close_archive();
  const std::string layer_hex = layer.sha256_hex();
  const bool single = files.size() == 1 && !source->is_collection();
  RegisterResult result;
  result.content_sha256 = single ? single_file_sha : layer_hex;
  result.size_bytes = total;
  check_sha256(expected, result.content_sha256, o.source);
  spdlog::info("content sha256 {} ({} bytes, {} file(s)); layer sha256:{} ({} bytes)",
               result.content_sha256, total, files.size(), layer_hex, layer.size());

  // 2. The image: layer, config, manifest, each pushed only when missing.
  const std::string layer_digest = oci::sha256_digest(layer_hex);
  const std::string config = oci::single_layer_config(layer_digest);
  const oci::Descriptor config_desc{std::string(oci::kOciConfig),
                                    oci::sha256_digest(oci::sha256_hex(config)), config.size()};
  const oci::Descriptor layer_desc{std::string(oci::kOciLayerTar), layer_digest, layer.size()};
  const std::string manifest = oci::image_manifest(
      config_desc, {layer_desc}, {{"dev.kiln.content.sha256", result.content_sha256}});
  const std::string manifest_digest = oci::sha256_digest(oci::sha256_hex(manifest));
  const std::string tag = "sha256-" + result.content_sha256;
  result.digest = manifest_digest;
  result.image = repo.pinned(manifest_digest);

  oci::RegistryClient client = registry_client(repo.registry, o, o.registry_plain_http);
  const std::string& name = repo.repository;
  auto existing = registry_step(o.retry, Side::kRegistry, "check " + repo.name() + ":" + tag,
                                [&] { return client.head_manifest(name, tag); });
  if (existing && existing->digest == manifest_digest) {
    spdlog::info("{}:{} already holds this image; nothing pushed", repo.name(), tag);
    return result;
  }
  const oci::BodySource body = layer.body();
  registry_step(o.retry, Side::kRegistry, "push layer " + layer_digest, [&] {
    if (!client.head_blob(name, layer_digest)) {
      spdlog::info("pushing layer {} ({} bytes)", layer_digest, layer.size());
      client.push_blob(name, layer_digest, body);
    }
    return 0;
  });
  registry_step(o.retry, Side::kRegistry, "push config " + config_desc.digest, [&] {
    if (!client.head_blob(name, config_desc.digest)) {
      client.push_blob(name, config_desc.digest, config);
    }
    return 0;
  });
  registry_step(o.retry, Side::kRegistry, "push manifest " + repo.name() + ":" + tag,
                [&] { return client.put_manifest(name, tag, manifest, oci::kOciManifest); });
  spdlog::info("pushed {}", result.image);
  return result;
}

}  // namespace kiln::fetch
