#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fetch/tar_format.hpp"

namespace kiln::fetch {

// Unpacks a tar stream fed in pieces into `root` (which must exist), with a
// fixed amount of memory. Only regular files and directories are accepted:
// links, devices and paths escaping `root` throw std::runtime_error, as does
// a stream that ends inside an entry (finish()).
class TarExtractor {
 public:
  explicit TarExtractor(std::string root);
  ~TarExtractor();
  TarExtractor(const TarExtractor&) = delete;
  TarExtractor& operator=(const TarExtractor&) = delete;

  void feed(std::string_view data);
  void finish();

  std::uint64_t files() const { return files_; }
  std::uint64_t file_bytes() const { return file_bytes_; }

 private:
  enum class State { kHeader, kData, kPadding, kMeta, kEnd };
  void on_header();
  void start_entry();
  void close_file();

  std::string root_;
  State state_ = State::kHeader;
  TarBlock block_{};
  std::size_t block_fill_ = 0;
  TarEntry entry_;
  std::uint64_t remaining_ = 0;   // data bytes left in the current entry
  std::size_t padding_left_ = 0;  // padding bytes left
  std::string meta_;              // pax / GNU long-name data being collected
  TarType meta_type_ = TarType::kOther;
  std::string pending_path_;  // from a pax or 'L' header, for the next entry
  std::uint64_t pending_size_ = 0;
  bool has_pending_size_ = false;
  int fd_ = -1;
  std::uint64_t files_ = 0;
  std::uint64_t file_bytes_ = 0;
};

}  // namespace kiln::fetch
