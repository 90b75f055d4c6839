#include "server/key_store.hpp"

#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace kiln::serve {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

std::optional<Keys> parse_keys_file(std::string_view content) {
  std::string_view body = trim(content);
  if (body.empty()) return std::nullopt;
  if (body.front() == '{') {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    Keys k;
    if (auto it = j.find("primaryKey"); it != j.end() && it->is_string()) k.primary = *it;
    if (auto it = j.find("secondaryKey"); it != j.end() && it->is_string()) k.secondary = *it;
    if (k.primary.empty() && k.secondary.empty()) return std::nullopt;
    return k;
  }
  Keys k;
  int n = 0;
  std::size_t pos = 0;
  while (pos <= body.size() && n < 2) {
    std::size_t nl = body.find('\n', pos);
    std::string_view line = trim(body.substr(pos, nl == std::string_view::npos ? nl : nl - pos));
    if (!line.empty()) (n++ == 0 ? k.primary : k.secondary) = std::string(line);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return k;
}

bool authorization_matches(const Keys& keys, std::string_view authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size()) return false;
  // The scheme is case-insensitive (RFC 7235).
  for (std::size_t i = 0; i < kBearer.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    char want = kBearer[i];
    if (want >= 'A' && want <= 'Z') want = static_cast<char>(want - 'A' + 'a');
    if (c != want) return false;
  }
  std::string_view presented = trim(authorization.substr(kBearer.size()));
  bool ok = false;
  // Evaluate both so the time taken does not say which key matched.
  if (!keys.primary.empty()) ok |= constant_time_equal(presented, keys.primary);
  if (!keys.secondary.empty()) ok |= constant_time_equal(presented, keys.secondary);
  return ok;
}

KeyStore::KeyStore(Keys fixed, std::string file)
    : enabled_(!fixed.primary.empty() || !fixed.secondary.empty() || !file.empty()),
      fixed_(std::move(fixed)),
      file_(std::move(file)) {
  if (!file_.empty()) {
    std::lock_guard lock(mutex_);
    refresh_locked();
  }
}

namespace {

// "inode:size:mtime" of a file, empty when it cannot be read.
std::string identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
         std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

void KeyStore::refresh_locked() {
  struct stat st {};
  if (::stat(file_.c_str(), &st) != 0) return;  // keep the last good keys
  if (S_ISDIR(st.st_mode)) {
    std::string primary_path = file_ + "/primaryKey", secondary_path = file_ + "/secondaryKey";
    std::string now = identity(primary_path) + "|" + identity(secondary_path);
    if (now == stamp_) return;
    Keys keys;
    keys.primary = std::string(trim(read_file(primary_path).value_or("")));
    keys.secondary = std::string(trim(read_file(secondary_path).value_or("")));
    if (keys.primary.empty() && keys.secondary.empty()) return;
    from_file_ = keys;
    stamp_ = now;
    return;
  }
  std::string now = identity(file_);
  if (now == stamp_) return;
  auto content = read_file(file_);
  if (!content) return;
  if (auto keys = parse_keys_file(*content)) {
    from_file_ = *keys;
    stamp_ = now;
  }
}

bool KeyStore::authorize(std::string_view authorization) {
  if (!enabled_) return true;
  if (authorization_matches(fixed_, authorization)) return true;
  if (file_.empty()) return false;
  std::lock_guard lock(mutex_);
  refresh_locked();
  return authorization_matches(from_file_, authorization);
}

}  // namespace kiln::serve
