#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fetch/source_uri.hpp"
#include "operator/oci/http.hpp"

namespace kiln::fetch {

// One file of a model source and its path inside the model image's layer.
struct SourceFile {
  std::string name;        // path in the layer ("model.onnx", "sub/dir/x.bin")
  std::string location;    // URL, object key or local path
  std::uint64_t size = 0;  // when known from the listing (0 otherwise)
};

struct SourceOptions {
  std::string secret_dir;  // --source-secret-dir
  std::string ca_file;     // --source-ca
};

// A model source that lists its files and streams each from its first byte.
// Failures are FetchError (or TransientError, worth retrying), with the
// reasons of the contract: SourceUnauthorized, SourceNotFound, SourceDNS, ...
class Source {
 public:
  virtual ~Source() = default;
  virtual std::vector<SourceFile> list() = 0;
  virtual void read(const SourceFile& file, const oci::BodySink& sink) = 0;
  // True when the source names several files (a directory or a prefix): the
  // content digest is then that of the layer tar rather than of one file.
  virtual bool is_collection() const = 0;
};

// https:// and http:// (loopback), s3://, file://. (oci:// is resolved, not read.)
std::unique_ptr<Source> make_source(const SourceUri& uri, const SourceOptions& options);

}  // namespace kiln::fetch
