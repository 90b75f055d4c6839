#pragma once

// Small, linear-time checks of the string formats the API uses (no
// std::regex: its backtracking recursion grows with the input and its
// headers trip GCC 12's -Wmaybe-uninitialized under the sanitizers).

#include <cstddef>
#include <optional>
#include <string_view>

namespace kiln::api {

// [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 characters (a Service name, a claim name).
bool is_dns_label(std::string_view s);
// [a-z0-9]([-a-z0-9.]*[a-z0-9])?, at most 253 characters (a ServiceAccount name).
bool is_dns_subdomain(std::string_view s);
// Exactly `length` lower-case hex digits.
bool is_lower_hex(std::string_view s, std::size_t length);
// sha256:<64 lower-case hex>
bool is_sha256_digest(std::string_view s);
// [A-Za-z_][A-Za-z0-9_]* (an environment variable name).
bool is_c_identifier(std::string_view s);
// One or more ASCII digits.
bool is_digits(std::string_view s);
// [a-z0-9]+([._/-][a-z0-9]+)* (an OCI repository path).
bool is_repository_path(std::string_view s);
// [a-z0-9]+([._:/@-][a-zA-Z0-9_.-]+)* and no "://" (an image reference, no scheme).
bool is_image_reference_text(std::string_view s);
// domain/name: [a-z0-9]([-a-z0-9.]*[a-z0-9])? '/' [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?
bool is_extended_resource_name(std::string_view s);
// Whether some line of `text` starts, after blanks, with `word` (any case) and a blank.
bool has_line_starting_with(std::string_view text, std::string_view word);
// "<N>g.<M>gb" with N in 1..7 -> M (the MIG profile's memory in GB).
std::optional<long long> mig_profile_gigabytes(std::string_view profile);

}  // namespace kiln::api
