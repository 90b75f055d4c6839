#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "operator/oci/http.hpp"

namespace kiln::fetch {

// The model layer being assembled: a tar in an anonymous temporary file
// (created and unlinked at once, so an interrupted kiln-fetch leaves nothing
// behind, whatever kills it). Entries are streamed in: begin_file() reserves
// the header block, the data is appended piece by piece, end_file() writes
// the header with the final size. Memory use does not depend on sizes.
class LayerFile {
 public:
  explicit LayerFile(const std::string& work_dir);
  ~LayerFile();
  LayerFile(const LayerFile&) = delete;
  LayerFile& operator=(const LayerFile&) = delete;

  void add_directory(const std::string& path);
  void begin_file(const std::string& path);
  void append(std::string_view data);
  std::uint64_t current_file_size() const { return data_size_; }
  // Drops what was appended since begin_file() (a download being retried).
  void restart_file();
  void end_file();
  // Writes the end-of-archive blocks; the tar is then complete.
  void close_archive();

  std::uint64_t size() const { return end_; }
  // sha256 hex of the whole tar (reads it back once).
  std::string sha256_hex() const;
  // A body reading the tar from the start (rewindable) for the upload.
  oci::BodySource body() const;

 private:
  void write_at(std::uint64_t offset, const char* data, std::size_t n);
  int fd_ = -1;
  std::uint64_t end_ = 0;
  std::uint64_t header_at_ = 0;
  std::uint64_t data_size_ = 0;
  std::string path_;
  bool in_file_ = false;
};

}  // namespace kiln::fetch
