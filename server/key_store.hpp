#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace kiln::serve {

struct Keys {
  std::string primary;
  std::string secondary;
};

// Parses a keys file: either JSON {"primaryKey": "...", "secondaryKey": "..."}
// (the names Azure ML's get_keys() uses) or plain text whose first non-empty
// line is the primary key and second the secondary. Empty when unparseable.
std::optional<Keys> parse_keys_file(std::string_view content);

// True when `authorization` is "Bearer <k>" for one of the non-empty keys.
// Compares in constant time for equal lengths.
bool authorization_matches(const Keys& keys, std::string_view authorization);

// The keys /score accepts: fixed ones from the environment and, when a file
// is configured, the file's, re-read whenever its identity (inode, size,
// mtime) changes, so a rotated Secret takes effect without a restart. A file
// that disappears or cannot be parsed keeps the last good keys. The path may
// also be a directory holding files `primaryKey` and `secondaryKey` (a
// Kubernetes Secret mounted as a volume, one file per key).
class KeyStore {
 public:
  KeyStore(Keys fixed, std::string file);

  bool enabled() const { return enabled_; }
  bool authorize(std::string_view authorization);

 private:
  void refresh_locked();

  bool enabled_;
  Keys fixed_;
  std::string file_;
  std::mutex mutex_;
  Keys from_file_;
  std::string stamp_;  // identity (inode, size, mtime) of what was read last
};

}  // namespace kiln::serve
