#pragma once

#include <string>
#include <string_view>

namespace kiln::fetch {

// Where a model comes from, parsed from --source (pure; bad input throws
// FetchError(kInvalidArguments) naming the problem).
struct SourceUri {
  enum class Kind { kHttp, kS3, kFile, kOci };
  Kind kind = Kind::kHttp;
  std::string url;     // http(s): the URL as given
  std::string bucket;  // s3
  std::string key;     // s3: an object key, or a prefix ending in '/' (or empty: the bucket)
  std::string path;    // file: an absolute path (a file or a directory)
  std::string image;   // oci: host/repo[:tag|@sha256:...]

  // s3 sources naming a prefix (several objects) rather than one object.
  bool is_prefix() const { return kind == Kind::kS3 && (key.empty() || key.back() == '/'); }

  static SourceUri parse(std::string_view uri);
};

}  // namespace kiln::fetch
