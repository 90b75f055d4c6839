#pragma once

// The one line of JSON kiln-fetch writes to its termination message
// (KILN_FETCH_CONTRACT.md): a registered image, or a failure with a reason.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace kiln::reconcilers::model {

struct FetchSuccess {
  std::string digest;          // sha256:<manifest digest>
  std::string content_sha256;  // hex
  std::int64_t size_bytes = 0;
  std::string image;  // <repository>@sha256:...
};

struct FetchFailure {
  std::string reason;  // SourceUnauthorized, SourceNotFound, ..., PushRefused
  std::string message;
};

// A result kiln-fetch did not write (or wrote garbled): the pod died before
// it could, or the message was cut.
struct FetchUnreadable {
  std::string detail;
};

using FetchResult = std::variant<FetchSuccess, FetchFailure, FetchUnreadable>;

// Parses a termination message. Never throws.
FetchResult parse_fetch_result(std::string_view termination_message);

// Whether a failure may go away by itself (DNS, unreachable servers), so the
// registration is retried later; credentials, 404s and digest mismatches need
// the user to act and wait for a spec change.
bool is_transient(std::string_view reason);

// Whether the source could not be read (SourceUnauthorized, SourceNotFound,
// SourceDNS, SourceTLS, SourceUnreachable); a DigestMismatch read it fine.
bool is_source_failure(std::string_view reason);

}  // namespace kiln::reconcilers::model
