#pragma once

#include <string>
#include <string_view>

namespace kiln::serve {

// azureml-inference-server-http refuses ids longer than this with 431.
inline constexpr std::size_t kMaxRequestIdLength = 100;

// A random (version 4) UUID, e.g. "3f2b...-4...". Seeded per thread on first
// use, so a forked worker never repeats its parent's sequence.
std::string generate_request_id();

}  // namespace kiln::serve
