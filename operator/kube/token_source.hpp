#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>

namespace kiln::kube {

// The bearer token for a request. A projected service-account token is
// rotated by the kubelet (hourly by default), so a file-backed token is
// re-read whenever the file's modification time or size changes, and on
// demand after a 401.
class TokenSource {
 public:
  TokenSource(std::string static_token, std::string token_file);

  // The current token; empty when there is none.
  std::string token();
  // Forget the cached token so the next call reads the file again.
  void invalidate();
  bool file_backed() const { return !file_.empty(); }

 private:
  std::string static_token_;
  std::string file_;
  std::mutex mu_;
  std::string cached_;
  std::filesystem::file_time_type mtime_{};
  std::uintmax_t size_ = 0;
  bool fresh_ = false;  // cached_ matches the file as last seen
  bool have_ = false;   // some token was read
};

}  // namespace kiln::kube
