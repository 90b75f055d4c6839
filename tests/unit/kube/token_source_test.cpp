#include "operator/kube/token_source.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace kiln::kube {
namespace {

TEST(TokenSource, StaticToken) {
  TokenSource t("static", "");
  EXPECT_EQ(t.token(), "static");
  EXPECT_FALSE(t.file_backed());
}

TEST(TokenSource, RereadsFileWhenRotated) {
  char tmpl[] = "/tmp/kiln-token-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string path = dir + "/token";
  std::ofstream(path) << "first\n";
  TokenSource t("", path);
  EXPECT_EQ(t.token(), "first");  // trailing newline trimmed

  // The kubelet rotates by swapping in a new file: content and size change.
  std::ofstream(path + ".new") << "second-token";
  std::filesystem::rename(path + ".new", path);
  EXPECT_EQ(t.token(), "second-token");

  // A missing file keeps the last good token rather than failing requests.
  std::filesystem::remove(path);
  t.invalidate();
  EXPECT_EQ(t.token(), "second-token");
  std::filesystem::remove_all(dir);
}

TEST(TokenSource, MissingFileWithoutAnyTokenThrows) {
  TokenSource t("", "/nonexistent/token");
  EXPECT_THROW(t.token(), std::runtime_error);
}

}  // namespace
}  // namespace kiln::kube
