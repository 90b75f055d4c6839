#include "server/key_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace kiln::serve {
namespace {

TEST(KeysFile, JsonAndPlainLines) {
  auto j = parse_keys_file(R"({"primaryKey": "p1", "secondaryKey": "s1"})");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->primary, "p1");
  EXPECT_EQ(j->secondary, "s1");
  auto lines = parse_keys_file("\n  p2  \r\ns2\n");
  ASSERT_TRUE(lines);
  EXPECT_EQ(lines->primary, "p2");
  EXPECT_EQ(lines->secondary, "s2");
  EXPECT_FALSE(parse_keys_file(""));
  EXPECT_FALSE(parse_keys_file("{broken"));
  EXPECT_FALSE(parse_keys_file(R"({"other": 1})"));
}

TEST(Authorization, BearerWithEitherKey) {
  Keys k{"primary", "secondary"};
  EXPECT_TRUE(authorization_matches(k, "Bearer primary"));
  EXPECT_TRUE(authorization_matches(k, "bearer secondary"));
  EXPECT_FALSE(authorization_matches(k, "Bearer primar"));
  EXPECT_FALSE(authorization_matches(k, "Bearer primaryX"));
  EXPECT_FALSE(authorization_matches(k, "Basic primary"));
  EXPECT_FALSE(authorization_matches(k, "primary"));
  EXPECT_FALSE(authorization_matches(k, "Bearer "));
  EXPECT_FALSE(authorization_matches(Keys{"only", ""}, "Bearer "));
}

TEST(KeyStore, DisabledWithoutKeysAndReloadsAChangedFile) {
  KeyStore off(Keys{}, "");
  EXPECT_FALSE(off.enabled());
  EXPECT_TRUE(off.authorize(""));

  auto path = std::filesystem::temp_directory_path() / ("kiln-keys-" + std::to_string(::getpid()));
  std::ofstream(path) << "one\ntwo\n";
  KeyStore store(Keys{"env", ""}, path.string());
  EXPECT_TRUE(store.enabled());
  EXPECT_TRUE(store.authorize("Bearer env"));
  EXPECT_TRUE(store.authorize("Bearer one"));
  EXPECT_FALSE(store.authorize("Bearer three"));

  auto tmp = path.string() + ".new";
  std::ofstream(tmp) << "three\none\n";
  std::filesystem::rename(tmp, path);
  EXPECT_TRUE(store.authorize("Bearer three"));
  EXPECT_TRUE(store.authorize("Bearer one"));
  EXPECT_FALSE(store.authorize("Bearer two"));

  std::filesystem::remove(path);  // a vanished file keeps the last good keys
  EXPECT_TRUE(store.authorize("Bearer three"));
}

TEST(KeyStore, ReadsAMountedSecretDirectoryAndFollowsItsSymlinkSwap) {
  namespace fs = std::filesystem;
  auto dir = fs::temp_directory_path() / ("kiln-secret-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  // The layout the kubelet writes: versioned data directory, a ..data
  // symlink to it, and per-key symlinks through ..data.
  auto write_version = [&](const std::string& name, const std::string& primary,
                           const std::string& secondary) {
    fs::create_directories(dir / name);
    std::ofstream(dir / name / "primaryKey") << primary;
    std::ofstream(dir / name / "secondaryKey") << secondary;
    fs::create_directory_symlink(name, dir / "..data_tmp");
    fs::rename(dir / "..data_tmp", dir / "..data");
  };
  fs::create_directories(dir);
  write_version("v1", "alpha\n", "beta\n");
  fs::create_symlink("..data/primaryKey", dir / "primaryKey");
  fs::create_symlink("..data/secondaryKey", dir / "secondaryKey");

  KeyStore store(Keys{}, dir.string());
  EXPECT_TRUE(store.authorize("Bearer alpha"));
  EXPECT_TRUE(store.authorize("Bearer beta"));
  EXPECT_FALSE(store.authorize("Bearer gamma"));

  write_version("v2", "gamma", "alpha");
  EXPECT_TRUE(store.authorize("Bearer gamma"));
  EXPECT_TRUE(store.authorize("Bearer alpha"));
  EXPECT_FALSE(store.authorize("Bearer beta"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kiln::serve
