#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::oci {

// How an HTTP request failed before any answer came back. The kinds map onto
// what a user can act on: a name that does not resolve, a certificate that is
// not trusted, a server that is down.
enum class TransportFailure { kDns, kTls, kConnect, kTimeout, kInterrupted, kOther };

const char* to_string(TransportFailure f);

class TransportError : public std::runtime_error {
 public:
  TransportError(TransportFailure failure, const std::string& message)
      : std::runtime_error(message), failure_(failure) {}
  TransportFailure failure() const { return failure_; }

 private:
  TransportFailure failure_;
};

// TLS settings shared by every request of a client.
struct TlsOptions {
  std::string ca_file;  // extra trusted CA bundle (PEM); empty: the system's
  bool insecure_skip_verify = false;
};

// A request body read in pieces, so a multi-gigabyte upload never sits in
// memory. `read` fills up to n bytes and returns how many (0 at the end);
// `rewind` starts again from the first byte (a retried request).
struct BodySource {
  std::uint64_t size = 0;
  std::function<std::size_t(char*, std::size_t)> read;
  std::function<void()> rewind;
};

// Called with each piece of a successful (2xx) response body; returning false
// aborts the transfer (TransportError kInterrupted).
using BodySink = std::function<bool(std::string_view)>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // used when `source` is empty
  const BodySource* source = nullptr;
  const BodySink* sink = nullptr;  // 2xx bodies go here instead of HttpResponse::body
  std::string aws_sigv4;           // CURLOPT_AWS_SIGV4 provider string, e.g. "aws:amz:us-east-1:s3"
  std::string userpwd;             // "user:password" (Basic, or SigV4 keys)
  bool follow_redirects = false;
  long connect_timeout_seconds = 30;
  long low_speed_seconds = 60;  // abort when under 1 byte/s for this long
};

struct HttpResponse {
  long status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-cased, last response only
  std::string body;

  // The first value of a header (name lower-case), or "".
  std::string header(const std::string& name) const;
};

// One request through libcurl. Throws TransportError when no HTTP answer came.
HttpResponse perform(const HttpRequest& request, const TlsOptions& tls);

// Percent-encodes a URL query component.
std::string url_encode(std::string_view s);

}  // namespace kiln::oci
