#pragma once

#include <string>

#include "fetch/result_line.hpp"
#include "fetch/retry.hpp"

namespace kiln::fetch {

struct RegisterOptions {
  std::string source;      // --source URI
  std::string repository;  // --repository HOST[:PORT]/models/<ns>/<name>
  std::string sha256;      // --sha256 (optional)
  std::string registry_config;
  std::string registry_ca;
  bool registry_plain_http = false;
  std::string source_secret_dir;
  std::string source_ca;
  std::string work_dir;  // where the layer tar is assembled (an unlinked temp file)
  RetryPolicy retry;
};

// source -> sha256 -> a one-layer image tagged sha256-<contentSha256> in the
// repository (blobs and a manifest that already exist are not pushed again).
// A digest mismatch fails before anything is pushed. Throws FetchError.
RegisterResult run_register(const RegisterOptions& options);

}  // namespace kiln::fetch
