#include "fetch/pull_command.hpp"

#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fetch/error_mapping.hpp"
#include "fetch/tar_extractor.hpp"
#include "operator/oci/image_manifest.hpp"
#include "operator/oci/image_reference.hpp"
#include "operator/oci/registry_client.hpp"

namespace kiln::fetch {
namespace {

namespace fs = std::filesystem;

bool is_tar_layer(const std::string& media_type) {
  return media_type == oci::kOciLayerTar ||
         media_type == "application/vnd.docker.image.rootfs.diff.tar" ||
         media_type == "application/x-tar";
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

PullResult run_pull(const PullOptions& o) {
  oci::ImageReference ref;
  try {
    ref = oci::ImageReference::parse(o.image);
  } catch (const oci::InvalidReference& e) {
    throw FetchError(Reason::kInvalidArguments, std::string("--image: ") + e.what());
  }
  if (ref.digest.empty()) {
    throw FetchError(Reason::kInvalidArguments,
                     "--image '" + o.image + "' must be pinned by digest (HOST/REPO@sha256:...)");
  }
  if (o.dest.empty()) throw FetchError(Reason::kInvalidArguments, "--dest is empty");
  fs::path dest = fs::absolute(fs::path(o.dest)).lexically_normal();
  if (dest.filename().empty()) dest = dest.parent_path();
  const fs::path parent = dest.parent_path();
  const std::string base = dest.filename().string();
  const fs::path marker = parent / ("." + base + ".kiln-digest");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) {
    throw FetchError(Reason::kInvalidArguments,
                     "cannot create " + parent.string() + ": " + ec.message());
  }

  PullResult result;
  result.digest = ref.digest;
  if (fs::exists(dest)) {
    if (fs::is_directory(dest) && read_text(marker) == ref.digest) {
      spdlog::info("{} already holds {}", dest.string(), ref.digest);
      result.already_present = true;
      return result;
    }
    if (!fs::is_directory(dest) || !fs::is_empty(dest)) {
      throw FetchError(Reason::kInvalidArguments,
                       "--dest " + dest.string() + " exists and holds something else");
    }
    fs::remove(dest, ec);  // an empty directory: replaced by the rename
    if (ec) {
      throw FetchError(Reason::kInvalidArguments, "--dest " + dest.string() +
                                                      " cannot be replaced (" + ec.message() +
                                                      "); give a path inside the volume instead");
    }
  }
  // Staging directories of interrupted pulls.
  const std::string staging_prefix = "." + base + ".kiln-pull-";
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    if (e.path().filename().string().starts_with(staging_prefix)) fs::remove_all(e.path(), ec);
  }
  std::string staging_tmpl = (parent / (staging_prefix + "XXXXXX")).string();
  if (::mkdtemp(staging_tmpl.data()) == nullptr) {
    throw FetchError(Reason::kInvalidArguments,
                     "cannot create a staging directory in " + parent.string());
  }
  const fs::path staging = staging_tmpl;
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(p, e);
    }
  } cleanup{staging};
  const fs::path root = staging / "root";

  oci::RegistryClient client = [&] {
    try {
      return oci::RegistryClient(oci::RegistryClient::options_for(
          ref.registry, o.registry_config, o.registry_ca, o.registry_plain_http));
    } catch (const oci::InvalidDockerConfig& e) {
      throw FetchError(Reason::kInvalidArguments, std::string("--registry-config: ") + e.what());
    }
  }();
  const std::string what = "pull " + o.image;
  oci::Manifest manifest;
  with_retries(o.retry, what, [&] {
    try {
      manifest = client.get_manifest(ref.repository, ref.digest);
    } catch (const oci::NotFoundError& e) {
      throw FetchError(Reason::kSourceNotFound, what + ": " + e.what());
    } catch (const oci::DigestMismatchError& e) {
      throw FetchError(Reason::kDigestMismatch, what + ": " + e.what());
    } catch (...) {
      rethrow_as_fetch_error(Side::kRegistry, what);
    }
  });
  oci::ImageManifest image;
  try {
    image = oci::parse_image_manifest(manifest.body);
  } catch (const oci::InvalidManifest& e) {
    throw FetchError(Reason::kInvalidArguments, what + ": " + e.what());
  }
  for (const auto& layer : image.layers) {
    if (!is_tar_layer(layer.media_type)) {
      throw FetchError(Reason::kInvalidArguments,
                       what + ": layer " + layer.digest + " is " + layer.media_type +
                           "; kiln-fetch unpacks uncompressed tar layers (model images)");
    }
  }
  with_retries(o.retry, what, [&] {
    fs::remove_all(root);
    fs::create_directories(root);
    result.files = 0;
    result.size_bytes = 0;
    for (const auto& layer : image.layers) {
      TarExtractor tar(root.string());
      try {
        client.get_blob(ref.repository, layer.digest, [&](std::string_view piece) {
          tar.feed(piece);
          return true;
        });
        tar.finish();
      } catch (const oci::DigestMismatchError& e) {
        throw FetchError(Reason::kDigestMismatch, what + ": " + e.what());
      } catch (const oci::NotFoundError& e) {
        throw FetchError(Reason::kSourceNotFound, what + ": " + e.what());
      } catch (const std::runtime_error& e) {
        if (dynamic_cast<const oci::RegistryError*>(&e) == nullptr &&
            dynamic_cast<const oci::TransportError*>(&e) == nullptr &&
            dynamic_cast<const FetchError*>(&e) == nullptr) {
          throw FetchError(Reason::kInvalidArguments,
                           what + ": layer " + layer.digest + ": " + e.what());
        }
        rethrow_as_fetch_error(Side::kRegistry, what);
      }
      result.files += tar.files();
      result.size_bytes += tar.file_bytes();
    }
  });
  fs::rename(root, dest, ec);
  if (ec) {
    throw FetchError(Reason::kInvalidArguments,
                     "cannot move the model into " + dest.string() + ": " + ec.message());
  }
  std::ofstream(marker) << ref.digest;
  spdlog::info("{} -> {} ({} files, {} bytes)", o.image, dest.string(), result.files,
               result.size_bytes);
  return result;
}

}  // namespace kiln::fetch
