#include "reconcilers/environment/content_tag.hpp"

#include <openssl/evp.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace kiln::reconcilers::environment {
namespace {

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
      throw std::runtime_error("SHA-256 is unavailable");
    }
  }
  // Each field is its length in decimal, ':', the bytes: no two inputs serialise alike.
  void field(const std::string& bytes) {
    std::string length = std::to_string(bytes.size()) + ":";
    EVP_DigestUpdate(ctx_.get(), length.data(), length.size());
    EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size());
  }
  void raw(const std::string& bytes) { EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()); }
  std::string hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest.data(), &size);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < size; ++i) {
      out += kHex[digest[i] >> 4];
      out += kHex[digest[i] & 0xf];
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

}  // namespace

std::string sha256_hex(const std::string& bytes) {
  Sha256 sha;
  sha.raw(bytes);
  return sha.hex();
}

std::string content_digest(const TagInputs& inputs) {
  Sha256 sha;
  sha.field("kiln-environment-v1");
  sha.field("base");
  sha.field(inputs.base_digest);
  sha.field("kiln-serve");
  sha.field(inputs.serve_version);
  sha.field("files");
  sha.field(std::to_string(inputs.context.files.size()));
  for (const auto& [path, content] : inputs.context.files) {
    sha.field(path);
    sha.field(content);
  }
  return "sha256:" + sha.hex();
}

std::string content_tag(const TagInputs& inputs) {
  return "kiln-" + content_digest(inputs).substr(7, 40);
}

}  // namespace kiln::reconcilers::environment
