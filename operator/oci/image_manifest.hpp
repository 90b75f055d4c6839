#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "operator/oci/registry_client.hpp"

namespace kiln::oci {

// The JSON documents of a one-layer image, built deterministically (sorted
// keys, no timestamps), so the same layer always gives the same config and
// manifest digests: registering the same content twice is a no-op.

// An OCI image config for linux/amd64 whose rootfs is the one uncompressed
// layer `layer_digest`.
std::string single_layer_config(const std::string& layer_digest);

std::string image_manifest(const Descriptor& config, const std::vector<Descriptor>& layers,
                           const std::map<std::string, std::string>& annotations = {});

struct ImageManifest {
  std::string media_type;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::map<std::string, std::string> annotations;
};

class InvalidManifest : public std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Parses an OCI or Docker v2 image manifest; an index or anything else throws
// InvalidManifest.
ImageManifest parse_image_manifest(std::string_view body);

}  // namespace kiln::oci
