#include "operator/kube/token_source.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kiln::kube {

TokenSource::TokenSource(std::string static_token, std::string token_file)
    : static_token_(std::move(static_token)), file_(std::move(token_file)) {}

std::string TokenSource::token() {
  if (file_.empty()) return static_token_;
  std::lock_guard lock(mu_);
  std::error_code ec;
  auto mtime = std::filesystem::last_write_time(file_, ec);
  auto size = std::filesystem::file_size(file_, ec);
  if (fresh_ && !ec && mtime == mtime_ && size == size_) return cached_;
  std::ifstream in(file_);
  if (!in) {
    if (have_) return cached_;  // keep the last token through a brief rotation gap
    throw std::runtime_error("cannot read token file " + file_);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string t = ss.str();
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  cached_ = t;
  mtime_ = mtime;
  size_ = size;
  fresh_ = have_ = true;
  return cached_;
}

void TokenSource::invalidate() {
  std::lock_guard lock(mu_);
  fresh_ = false;
}

}  // namespace kiln::kube
