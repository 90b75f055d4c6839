#include "controllers/inference_service/random_keys.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace kiln::controllers {

std::string random_service_key() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  constexpr unsigned kAlphabetSize = sizeof(kAlphabet) - 1;  // 62
  std::string key;
  while (key.size() < 32) {
    unsigned char bytes[64];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
      throw std::runtime_error("the system's random generator failed; no key was generated");
    }
    for (unsigned char b : bytes) {
      // Rejection sampling keeps every character equally likely.
      if (b < 248 && key.size() < 32) key += kAlphabet[b % kAlphabetSize];
    }
  }
  return key;
}

}  // namespace kiln::controllers
