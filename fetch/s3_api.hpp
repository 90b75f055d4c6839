#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::fetch {

// The pure parts of the S3 REST API kiln-fetch uses (path-style addressing,
// which every S3-compatible server supports): URLs and ListObjectsV2 answers.

struct S3Object {
  std::string key;
  std::uint64_t size = 0;
};

struct S3ListPage {
  std::vector<S3Object> objects;
  bool truncated = false;
  std::string next_continuation_token;
};

// endpoint/bucket/key with each key segment percent-encoded ('/' kept).
std::string s3_object_url(std::string_view endpoint, std::string_view bucket, std::string_view key);
// ListObjectsV2; query parameters in the sorted order SigV4's canonical query wants.
std::string s3_list_url(std::string_view endpoint, std::string_view bucket, std::string_view prefix,
                        std::string_view continuation_token);
// Parses a ListBucketResult; malformed XML throws std::runtime_error.
S3ListPage parse_list_objects_v2(std::string_view xml);
// The <Code> of an S3 error body, or "".
std::string s3_error_code(std::string_view xml);

}  // namespace kiln::fetch
