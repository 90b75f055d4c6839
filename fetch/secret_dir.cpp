#include "fetch/secret_dir.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fetch/fetch_error.hpp"

namespace kiln::fetch {
namespace {

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool read_optional(const std::string& path, std::string& out) {
  if (!std::filesystem::exists(path)) return false;
  std::ifstream in(path);
  if (!in) throw FetchError(Reason::kInvalidArguments, "cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

}  // namespace

std::vector<std::string> parse_header_lines(std::string_view text) {
  std::vector<std::string> out;
  size_t line_no = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line_no;
    std::string line = trim(text.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line.front() == '#') continue;
    auto colon = line.find(':');
    std::string name = colon == std::string::npos ? "" : trim(line.substr(0, colon));
    bool valid = !name.empty();
    for (char c : name) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) valid = false;
    }
    if (!valid) {
      throw FetchError(
          Reason::kInvalidArguments,
          "source secret 'headers' line " + std::to_string(line_no) + " is not 'Name: value'");
    }
    out.push_back(name + ": " + trim(line.substr(colon + 1)));
  }
  return out;
}

std::vector<std::string> read_source_headers(const std::string& dir) {
  std::string text;
  if (dir.empty() || !read_optional(dir + "/headers", text)) return {};
  return parse_header_lines(text);
}

S3Credentials read_s3_credentials(const std::string& dir) {
  S3Credentials c;
  std::string v;
  if (!dir.empty()) {
    if (read_optional(dir + "/accessKeyId", v)) c.access_key_id = trim(v);
    if (read_optional(dir + "/secretAccessKey", v)) c.secret_access_key = trim(v);
    if (read_optional(dir + "/endpoint", v)) c.endpoint = trim(v);
    if (read_optional(dir + "/region", v) && !trim(v).empty()) c.region = trim(v);
    if (c.access_key_id.empty() != c.secret_access_key.empty()) {
      throw FetchError(Reason::kInvalidArguments,
                       "source secret has only one of accessKeyId and secretAccessKey");
    }
  }
  if (c.endpoint.empty()) c.endpoint = "https://s3." + c.region + ".amazonaws.com";
  while (!c.endpoint.empty() && c.endpoint.back() == '/') c.endpoint.pop_back();
  if (!c.endpoint.starts_with("https://") && !c.endpoint.starts_with("http://")) {
    throw FetchError(Reason::kInvalidArguments,
                     "source secret 'endpoint' must start with http:// or https://");
  }
  return c;
}

}  // namespace kiln::fetch
