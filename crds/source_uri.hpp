#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kiln::api {

enum class SourceScheme { https, http, s3, oci, pvc };

// A Model (or script) source URI, split into what the registration Job needs.
struct SourceUri {
  SourceScheme scheme = SourceScheme::https;
  std::string uri;        // as written
  std::string authority;  // host[:port], bucket, registry host or claim name
  std::string path;       // after the authority, without the leading '/'
  // oci:// only
  std::optional<std::string> tag;
  std::optional<std::string> digest;  // sha256:<hex>
};

struct SourceUriResult {
  std::optional<SourceUri> uri;
  std::string error;  // why it is not a valid source URI (empty on success)
};

// Parses and checks a source URI as the CRD's CEL rules do, plus what CEL
// cannot say well: S3 bucket names that look like IP addresses or have
// adjacent dots, '..' segments anywhere in a pvc path, empty oci repositories.
SourceUriResult parse_source_uri(std::string_view text);

std::string_view to_string(SourceScheme scheme);

// Where the registration Job reads a pvc:// source: the claim is mounted at
// /mnt/source, so pvc://claim/dir/model.pkl -> file:///mnt/source/dir/model.pkl.
inline constexpr std::string_view kSourceMountPath = "/mnt/source";
std::string pvc_file_uri(const SourceUri& pvc);

}  // namespace kiln::api
