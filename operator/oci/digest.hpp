#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace kiln::oci {

// SHA-256 computed over data fed in pieces (OpenSSL EVP), so a file of any
// size is hashed with a fixed amount of memory.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::string_view data);
  // Lower-case hex of the digest; the hasher must not be updated afterwards.
  std::string hex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(std::string_view data);

// "sha256:<64 lower-case hex>": the only digest algorithm Kiln writes.
bool is_sha256_digest(std::string_view digest);
bool is_sha256_hex(std::string_view hex);

// "sha256:" + hex.
inline std::string sha256_digest(std::string_view hex) {
  return "sha256:" + std::string(hex);
}

}  // namespace kiln::oci
