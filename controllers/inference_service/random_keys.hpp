#pragma once

// Service keys from OpenSSL's CSPRNG: 32 characters of [A-Za-z0-9] (about
// 190 bits), like Azure ML's generated keys.

#include <string>

namespace kiln::controllers {

// Throws std::runtime_error when the CSPRNG fails (never a weak key).
std::string random_service_key();

}  // namespace kiln::controllers
