// file:// sources: a file or a directory tree on a mounted volume (the
// controller turns pvc://<claim>/<path> into file:///mnt/source/<path>).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "fetch/retry.hpp"
#include "fetch/source.hpp"

namespace kiln::fetch {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, int err) {
  if (err == ENOENT || err == ENOTDIR) {
    throw FetchError(Reason::kSourceNotFound, path + " does not exist (check the volume's path)");
  }
  if (err == EACCES || err == EPERM) {
    throw FetchError(Reason::kSourceUnauthorized, path + ": permission denied");
  }
  throw TransientError(Reason::kSourceUnreachable, path + ": " + std::strerror(err));
}

class FileSource : public Source {
 public:
  explicit FileSource(const SourceUri& uri) : root_(uri.path) {}

  std::vector<SourceFile> list() override {
    std::error_code ec;
    auto st = fs::status(root_, ec);
    if (ec) fail(root_, ec.value());
    if (fs::is_regular_file(st)) {
      directory_ = false;
      return {{fs::path(root_).filename().string(), root_, fs::file_size(root_)}};
    }
    if (!fs::is_directory(st)) {
      throw FetchError(Reason::kSourceNotFound, root_ + " is neither a file nor a directory");
    }
    directory_ = true;
    std::vector<SourceFile> files;
    fs::recursive_directory_iterator it(root_, fs::directory_options::none, ec);
    if (ec) fail(root_, ec.value());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) fail(root_, ec.value());
      if (!it->is_regular_file(ec)) continue;  // directories come implicitly; links are skipped
      if (it->is_symlink()) continue;
      std::string rel = fs::relative(it->path(), root_).generic_string();
      files.push_back({rel, it->path().string(), it->file_size()});
    }
    std::sort(files.begin(), files.end(),
              [](const SourceFile& a, const SourceFile& b) { return a.name < b.name; });
    if (files.empty()) throw FetchError(Reason::kSourceNotFound, "no files under " + root_);
    return files;
  }

  void read(const SourceFile& file, const oci::BodySink& sink) override {
    int fd = ::open(file.location.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(file.location, errno);
    struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};
    std::vector<char> buf(1 << 20);
    for (;;) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail(file.location, errno);
      if (n == 0) return;
      if (!sink(std::string_view(buf.data(), static_cast<size_t>(n)))) return;
    }
  }

  bool is_collection() const override { return directory_; }

 private:
  std::string root_;
  bool directory_ = false;
};

}  // namespace

std::unique_ptr<Source> make_file_source(const SourceUri& uri, const SourceOptions&) {
  return std::make_unique<FileSource>(uri);
}

}  // namespace kiln::fetch
