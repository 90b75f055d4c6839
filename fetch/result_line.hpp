#pragma once

#include <cstdint>
#include <string>

#include "fetch/fetch_error.hpp"

namespace kiln::fetch {

struct RegisterResult {
  std::string digest;          // sha256:<manifest digest>
  std::string content_sha256;  // hex
  std::uint64_t size_bytes = 0;
  std::string image;  // <repository>@<digest>
};

// The ONE line of JSON kiln-fetch leaves in its result file (the pod's
// termination message, limited to 4096 bytes): always under 4096 bytes, the
// message shortened when needed.
std::string success_line(const RegisterResult& r);
std::string failure_line(Reason reason, const std::string& message);

inline constexpr std::size_t kMaxResultBytes = 4096;

}  // namespace kiln::fetch
