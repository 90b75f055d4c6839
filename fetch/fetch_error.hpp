#pragma once

#include <stdexcept>
#include <string>

namespace kiln::fetch {

// The reasons kiln-fetch reports (KILN_FETCH_CONTRACT.md); the Model
// controller turns them into condition reasons a user can act on.
enum class Reason {
  kInvalidArguments,
  kSourceUnauthorized,
  kSourceNotFound,
  kSourceDNS,
  kSourceTLS,
  kSourceUnreachable,
  kDigestMismatch,
  kRegistryUnauthorized,
  kRegistryUnreachable,
  kPushRefused,
};

const char* reason_name(Reason r);
// 2 invalid arguments, 3 source errors (and digest mismatch), 4 registry errors.
int exit_code(Reason r);

class FetchError : public std::runtime_error {
 public:
  FetchError(Reason reason, const std::string& message)
      : std::runtime_error(message), reason_(reason) {}
  Reason reason() const { return reason_; }

 private:
  Reason reason_;
};

}  // namespace kiln::fetch
