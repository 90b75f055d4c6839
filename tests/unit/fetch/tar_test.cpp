#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fetch/layer_file.hpp"
#include "fetch/tar_extractor.hpp"
#include "fetch/tar_format.hpp"

namespace kiln::fetch {
namespace {

namespace fs = std::filesystem;

std::string temp_dir() {
  std::string t = (fs::temp_directory_path() / "kiln-tar-test-XXXXXX").string();
  EXPECT_NE(::mkdtemp(t.data()), nullptr);
  return t;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The whole layer, read back through its body source.
std::string layer_bytes(const LayerFile& layer) {
  auto body = layer.body();
  std::string out(body.size, '\0');
  std::size_t done = 0;
  while (done < out.size()) done += body.read(out.data() + done, out.size() - done);
  return out;
}

TEST(TarFormat, HeaderRoundTrip) {
  TarBlock h = tar_header("dir/model.onnx", 12345, TarType::kFile);
  auto e = parse_tar_header(h);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->path, "dir/model.onnx");
  EXPECT_EQ(e->size, 12345u);
  EXPECT_EQ(e->type, TarType::kFile);
  EXPECT_EQ(e->mode, 0644u);
}

TEST(TarFormat, LongPathsUsePrefixAndHugeSizesBase256) {
  const std::string path = std::string(120, 'a') + "/" + std::string(90, 'b');
  const std::uint64_t size = (std::uint64_t{1} << 34) + 7;  // 16 GiB
  auto e = parse_tar_header(tar_header(path, size, TarType::kFile));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->path, path);
  EXPECT_EQ(e->size, size);
  EXPECT_THROW(tar_header(std::string(300, 'a'), 1, TarType::kFile), std::invalid_argument);
  EXPECT_THROW(tar_header(std::string(101, 'a'), 1, TarType::kFile), std::invalid_argument);
}

TEST(TarFormat, ZeroBlockEndsAndBadChecksumThrows) {
  TarBlock zero{};
  EXPECT_FALSE(parse_tar_header(zero).has_value());
  TarBlock h = tar_header("x", 1, TarType::kFile);
  h[0] = 'y';
  EXPECT_THROW(parse_tar_header(h), std::runtime_error);
}

TEST(TarFormat, SafePaths) {
  EXPECT_EQ(safe_relative_path("./a/b/"), "a/b");
  EXPECT_EQ(safe_relative_path("a//b"), "a/b");
  EXPECT_EQ(safe_relative_path("."), "");
  EXPECT_FALSE(safe_relative_path("/etc/passwd").has_value());
  EXPECT_FALSE(safe_relative_path("a/../../x").has_value());
  EXPECT_FALSE(safe_relative_path("..").has_value());
}

TEST(TarFormat, PaxRecords) {
  TarEntry e;
  apply_pax_records("28 path=some/very/long/name\n13 size=1024\n", e);
  EXPECT_EQ(e.path, "some/very/long/name");
  EXPECT_EQ(e.size, 1024u);
  EXPECT_THROW(apply_pax_records("99 path=x\n", e), std::runtime_error);
}

TEST(LayerFile, IsDeterministicAndExtractsInAnyPieceSize) {
  const std::string dir = temp_dir();
  auto build = [&] {
    auto layer = std::make_unique<LayerFile>(dir);
    layer->add_directory("sub");
    layer->begin_file("sub/a.bin");
    layer->append("partial");
    layer->restart_file();  // a retried download starts over
    layer->append(std::string(1000, 'a'));
    layer->append(std::string(24, 'b'));
    layer->end_file();
    layer->begin_file("empty");
    layer->end_file();
    layer->close_archive();
    return layer;
  };
  auto one = build();
  auto two = build();
  EXPECT_EQ(one->sha256_hex(), two->sha256_hex());
  EXPECT_EQ(one->size() % 512, 0u);
  EXPECT_TRUE(fs::is_empty(dir));  // the layer file has no name

  const std::string bytes = layer_bytes(*one);
  for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{512}, bytes.size()}) {
    const std::string out = temp_dir();
    TarExtractor tar(out);
    for (std::size_t i = 0; i < bytes.size(); i += piece) {
      tar.feed(std::string_view(bytes).substr(i, piece));
    }
    tar.finish();
    EXPECT_EQ(tar.files(), 2u);
    EXPECT_EQ(slurp(fs::path(out) / "sub/a.bin"), std::string(1000, 'a') + std::string(24, 'b'));
    EXPECT_TRUE(fs::exists(fs::path(out) / "empty"));
    fs::remove_all(out);
  }
  fs::remove_all(dir);
}

TEST(TarExtractor, RejectsEscapesLinksAndTruncation) {
  auto archive = [](TarBlock h, std::string data) {
    std::string s(h.data(), h.size());
    s += data + std::string(tar_padding(data.size()), '\0') + std::string(1024, '\0');
    return s;
  };
  const std::string out = temp_dir();
  {
    TarExtractor tar(out);
    EXPECT_THROW(tar.feed(archive(tar_header("../evil", 1, TarType::kFile), "x")),
                 std::runtime_error);
  }
  {
    TarExtractor tar(out);
    EXPECT_THROW(tar.feed(archive(tar_header("link", 0, TarType::kSymlink), "")),
                 std::runtime_error);
  }
  {
    TarExtractor tar(out);
    std::string a = archive(tar_header("f", 100, TarType::kFile), std::string(100, 'z'));
    tar.feed(a.substr(0, 300));
    EXPECT_THROW(tar.finish(), std::runtime_error);
  }
  EXPECT_FALSE(fs::exists(fs::path(out).parent_path() / "evil"));
  fs::remove_all(out);
}

}  // namespace
}  // namespace kiln::fetch
