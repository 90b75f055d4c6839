#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiln::fetch {

// --source-secret-dir: the keys of a Secret mounted as files.

// `headers`: one "Name: value" per line; blank lines and lines starting with
// '#' are skipped. Pure; a malformed line throws FetchError(kInvalidArguments)
// naming its number (never its value: it may be a token).
std::vector<std::string> parse_header_lines(std::string_view text);

struct S3Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string endpoint;  // http(s)://host:port, no trailing slash
  std::string region = "us-east-1";
};

// Reads `headers` from the directory (none when dir is empty or has no such file).
std::vector<std::string> read_source_headers(const std::string& dir);
// Reads accessKeyId, secretAccessKey, optional endpoint and region. Without a
// directory: anonymous, endpoint https://s3.<region>.amazonaws.com.
S3Credentials read_s3_credentials(const std::string& dir);

}  // namespace kiln::fetch
