#pragma once

#include <stdexcept>
#include <string>

namespace kiln::oci {

// A registry answered, but not with what was asked. `code` is the first
// error code of the distribution-spec error body (MANIFEST_UNKNOWN,
// BLOB_UNKNOWN, DENIED, ...), when there is one. Transport failures (no
// answer at all) are TransportError (http.hpp).
class RegistryError : public std::runtime_error {
 public:
  RegistryError(long status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  long status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  long status_;
  std::string code_;
};

// The registry refused the credentials (401 or 403): retrying with the same
// ones cannot help, unlike an unreachable registry.
class CredentialsRefusedError : public RegistryError {
  using RegistryError::RegistryError;
};
// 401 after the challenge was answered (or none could be: no credentials).
class UnauthorizedError : public CredentialsRefusedError {
  using CredentialsRefusedError::CredentialsRefusedError;
};
// 403: authenticated but not allowed (e.g. push to a read-only repository).
class ForbiddenError : public CredentialsRefusedError {
  using CredentialsRefusedError::CredentialsRefusedError;
};
// 404: no such repository, manifest or blob.
class NotFoundError : public RegistryError {
  using RegistryError::RegistryError;
};
// Bytes received do not hash to the digest they were asked for.
class DigestMismatchError : public RegistryError {
  using RegistryError::RegistryError;
};

// Throws the RegistryError subclass for an HTTP status and error body.
[[noreturn]] void throw_registry_error(long status, const std::string& body,
                                       const std::string& what);

}  // namespace kiln::oci
