#pragma once

// `kiln`'s exit codes, the same for every subcommand, so scripts can rely on them.

#include <stdexcept>

namespace kiln::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalidInput = 1;  // a file or field is wrong (the message names it)
inline constexpr int kExitUsage = 2;         // bad command line
inline constexpr int kExitUnavailable = 3;   // cluster, registry or builder unreachable or refusing
inline constexpr int kExitNotReady = 4;      // `kiln status`: the service is not Ready

// Errors that carry their exit code.
class CommandError : public std::runtime_error {
 public:
  CommandError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

}  // namespace kiln::cli
