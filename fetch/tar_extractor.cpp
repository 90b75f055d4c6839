#include "fetch/tar_extractor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace kiln::fetch {
namespace {

constexpr std::uint64_t kMaxMeta = 1 << 20;

void write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("write failed: ") + std::strerror(errno));
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

}  // namespace

TarExtractor::TarExtractor(std::string root) : root_(std::move(root)) {}

TarExtractor::~TarExtractor() {
  if (fd_ >= 0) ::close(fd_);
}

void TarExtractor::close_file() {
  if (fd_ >= 0) {
    if (::close(fd_) != 0) {
      fd_ = -1;
      throw std::runtime_error(std::string("close failed: ") + std::strerror(errno));
    }
    fd_ = -1;
  }
}

void TarExtractor::feed(std::string_view data) {
  while (!data.empty()) {
    switch (state_) {
      case State::kEnd:
        return;  // trailing zero blocks / padding after the end marker
      case State::kHeader: {
        std::size_t n = std::min(data.size(), kTarBlock - block_fill_);
        std::memcpy(block_.data() + block_fill_, data.data(), n);
        block_fill_ += n;
        data.remove_prefix(n);
        if (block_fill_ == kTarBlock) {
          block_fill_ = 0;
          on_header();
        }
        break;
      }
      case State::kData:
      case State::kMeta: {
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), remaining_));
        if (state_ == State::kData) {
          if (fd_ >= 0) write_all(fd_, data.data(), n);
          file_bytes_ += n;
        } else {
          meta_.append(data.data(), n);
        }
        remaining_ -= n;
        data.remove_prefix(n);
        if (remaining_ == 0) {
          if (state_ == State::kData) {
            close_file();
          } else if (meta_type_ == TarType::kPaxLocal) {
            TarEntry e;
            e.path = pending_path_;
            e.size = std::uint64_t(-1);
            apply_pax_records(meta_, e);
            pending_path_ = e.path;
            if (e.size != std::uint64_t(-1)) {
              pending_size_ = e.size;
              has_pending_size_ = true;
            }
          } else if (meta_type_ == TarType::kGnuLongName) {
            pending_path_ = std::string(meta_.c_str());  // NUL-terminated
          }
          state_ = padding_left_ > 0 ? State::kPadding : State::kHeader;
        }
        break;
      }
      case State::kPadding: {
        std::size_t n = std::min(data.size(), padding_left_);
        padding_left_ -= n;
        data.remove_prefix(n);
        if (padding_left_ == 0) state_ = State::kHeader;
        break;
      }
    }
  }
}

void TarExtractor::on_header() {
  auto e = parse_tar_header(block_);
  if (!e) {
    state_ = State::kEnd;
    return;
  }
  entry_ = *e;
  padding_left_ = tar_padding(entry_.size);
  remaining_ = entry_.size;
  if (entry_.type == TarType::kPaxLocal || entry_.type == TarType::kGnuLongName ||
      entry_.type == TarType::kPaxGlobal) {
    if (entry_.size > kMaxMeta) throw std::runtime_error("tar metadata entry too large");
    meta_.clear();
    meta_type_ = entry_.type;
    state_ = remaining_ > 0 ? State::kMeta : State::kHeader;
    return;
  }
  if (!pending_path_.empty()) entry_.path = pending_path_;
  if (has_pending_size_) {
    entry_.size = pending_size_;
    remaining_ = pending_size_;
    padding_left_ = tar_padding(pending_size_);
  }
  pending_path_.clear();
  has_pending_size_ = false;
  start_entry();
}

void TarExtractor::start_entry() {
  auto rel = safe_relative_path(entry_.path);
  if (!rel) throw std::runtime_error("tar entry '" + entry_.path + "' escapes the destination");
  namespace fs = std::filesystem;
  const fs::path target = rel->empty() ? fs::path(root_) : fs::path(root_) / *rel;
  switch (entry_.type) {
    case TarType::kDirectory:
      fs::create_directories(target);
      state_ = remaining_ > 0 ? State::kData : State::kHeader;  // directories carry no data
      return;
    case TarType::kFile: {
      if (rel->empty()) throw std::runtime_error("tar file entry without a name");
      fs::create_directories(target.parent_path());
      const mode_t mode = static_cast<mode_t>((entry_.mode & 0755) | 0600);
      fd_ = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
      if (fd_ < 0) {
        throw std::runtime_error("cannot create " + target.string() + ": " + std::strerror(errno));
      }
      ++files_;
      if (remaining_ == 0) {
        close_file();
        state_ = State::kHeader;
      } else {
        state_ = State::kData;
      }
      return;
    }
    default:
      throw std::runtime_error("tar entry '" + entry_.path +
                               "' is not a regular file or directory (links and devices are "
                               "not accepted in a model image)");
  }
}

void TarExtractor::finish() {
  if (state_ == State::kEnd) return;
  if (state_ == State::kHeader && block_fill_ == 0) return;  // ended without the zero blocks
  throw std::runtime_error("tar stream ended in the middle of an entry");
}

}  // namespace kiln::fetch
