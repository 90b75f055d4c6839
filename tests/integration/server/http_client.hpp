#pragma once

#include <map>
#include <string>

namespace kiln::testing {

struct HttpResult {
  long status = 0;                             // 0 when the request failed at the transport level
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string error;
};

// One HTTP/1.1 request with libcurl (a fresh connection each time). For an
// https URL, `ca_file` is the only certificate trusted.
HttpResult http_request(const std::string& method, const std::string& url, const std::string& body,
                        const std::map<std::string, std::string>& headers, long timeout_ms = 30000,
                        const std::string& ca_file = "");

// Sends `bytes` on a plain TCP connection to 127.0.0.1:port and returns
// everything read until the server closes or `timeout_ms` passes; `closed`
// tells whether the server closed the connection.
std::string raw_exchange(int port, const std::string& bytes, long timeout_ms, bool* closed);

}  // namespace kiln::testing
