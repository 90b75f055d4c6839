#include "fetch/layer_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "fetch/tar_format.hpp"
#include "operator/oci/digest.hpp"

namespace kiln::fetch {
namespace {

constexpr std::size_t kIoBuffer = 1 << 20;

std::runtime_error io_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

LayerFile::LayerFile(const std::string& work_dir) {
  // O_TMPFILE: a file with no name at all; fall back to mkstemp + unlink.
  fd_ = ::open(work_dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    std::string tmpl = work_dir + "/.kiln-layer-XXXXXX";
    fd_ = ::mkstemp(tmpl.data());
    if (fd_ < 0) throw io_error("cannot create a temporary file in " + work_dir);
    ::unlink(tmpl.c_str());
  }
}

LayerFile::~LayerFile() {
  if (fd_ >= 0) ::close(fd_);
}

void LayerFile::write_at(std::uint64_t offset, const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd_, data, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      throw io_error("cannot write the layer file");
    }
    data += w;
    n -= static_cast<std::size_t>(w);
    offset += static_cast<std::uint64_t>(w);
  }
}

void LayerFile::add_directory(const std::string& path) {
  TarBlock h = tar_header(path, 0, TarType::kDirectory);
  write_at(end_, h.data(), h.size());
  end_ += kTarBlock;
}

void LayerFile::begin_file(const std::string& path) {
  path_ = path;
  tar_header(path, 0, TarType::kFile);  // validates the path now
  header_at_ = end_;
  end_ += kTarBlock;  // header written by end_file()
  data_size_ = 0;
  in_file_ = true;
}

void LayerFile::append(std::string_view data) {
  write_at(end_, data.data(), data.size());
  end_ += data.size();
  data_size_ += data.size();
}

void LayerFile::restart_file() {
  end_ = header_at_ + kTarBlock;
  data_size_ = 0;
  if (::ftruncate(fd_, static_cast<off_t>(end_)) != 0) throw io_error("cannot truncate");
}

void LayerFile::end_file() {
  static const char kZeros[kTarBlock] = {};
  std::size_t pad = tar_padding(data_size_);
  write_at(end_, kZeros, pad);
  end_ += pad;
  TarBlock h = tar_header(path_, data_size_, TarType::kFile);
  write_at(header_at_, h.data(), h.size());
  in_file_ = false;
}

void LayerFile::close_archive() {
  static const char kZeros[2 * kTarBlock] = {};
  write_at(end_, kZeros, sizeof kZeros);
  end_ += sizeof kZeros;
}

std::string LayerFile::sha256_hex() const {
  oci::Sha256 hash;
  std::vector<char> buf(kIoBuffer);
  std::uint64_t off = 0;
  while (off < end_) {
    ssize_t r = ::pread(fd_, buf.data(), buf.size(), static_cast<off_t>(off));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) throw io_error("cannot read the layer file");
    hash.update(std::string_view(buf.data(), static_cast<std::size_t>(r)));
    off += static_cast<std::uint64_t>(r);
  }
  return hash.hex();
}

oci::BodySource LayerFile::body() const {
  auto pos = std::make_shared<std::uint64_t>(0);
  oci::BodySource b;
  b.size = end_;
  const int fd = fd_;
  const std::uint64_t end = end_;
  b.read = [fd, end, pos](char* buf, std::size_t n) -> std::size_t {
    if (*pos >= end) return 0;
    n = static_cast<std::size_t>(std::min<std::uint64_t>(n, end - *pos));
    for (;;) {
      ssize_t r = ::pread(fd, buf, n, static_cast<off_t>(*pos));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) throw io_error("cannot read the layer file");
      *pos += static_cast<std::uint64_t>(r);
      return static_cast<std::size_t>(r);
    }
  };
  b.rewind = [pos] { *pos = 0; };
  return b;
}

}  // namespace kiln::fetch
