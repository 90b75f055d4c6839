#pragma once

#include <cstdint>
#include <string>

#include "fetch/retry.hpp"

namespace kiln::fetch {

struct PullOptions {
  std::string image;  // HOST/REPO@sha256:...
  std::string dest;   // DIR
  std::string registry_config;
  std::string registry_ca;
  bool registry_plain_http = false;
  RetryPolicy retry;
};

struct PullResult {
  std::string digest;
  std::uint64_t size_bytes = 0;  // bytes of the files extracted
  std::uint64_t files = 0;
  bool already_present = false;
};

// Extracts the image's layers into `dest` atomically: everything is unpacked
// (and its digest verified) in a staging directory beside it, which is then
// renamed to `dest`. An interrupted pull leaves no `dest`, only a staging
// directory the next pull removes. Pulling a digest that is already at `dest`
// (recorded in `.<dest name>.kiln-digest` beside it) does nothing. Throws
// FetchError.
PullResult run_pull(const PullOptions& options);

}  // namespace kiln::fetch
