// context_archive: the rendered context as a deterministic tar that GNU tar reads.

#include "reconcilers/model_package/context_archive.hpp"

#include <gtest/gtest.h>

#include "fetch/tar_format.hpp"

namespace kiln::reconcilers::model_package {
namespace {

environment::BuildContext context() {
  environment::BuildContext c;
  c.files = {{"Dockerfile", "FROM x\n"},
             {"app/score.py", "def run(d): return d\n"},
             {"app/lib/util.py", "X = 1\n"}};
  return c;
}

TEST(ContextArchive, DirectoriesThenFilesDeterministically) {
  const std::string tar = context_archive(context());
  EXPECT_EQ(tar, context_archive(context()));
  ASSERT_EQ(tar.size() % fetch::kTarBlock, 0u);
  std::vector<std::pair<std::string, fetch::TarType>> entries;
  std::size_t at = 0;
  while (at + fetch::kTarBlock <= tar.size()) {
    fetch::TarBlock block;
    std::copy_n(tar.data() + at, fetch::kTarBlock, block.begin());
    auto entry = fetch::parse_tar_header(block);
    if (!entry) break;
    at += fetch::kTarBlock;
    entries.emplace_back(entry->path, entry->type);
    if (entry->type == fetch::TarType::kFile) {
      const std::string content = tar.substr(at, entry->size);
      EXPECT_EQ(content, context().files.at(entry->path)) << entry->path;
      at += entry->size + fetch::tar_padding(entry->size);
    }
  }
  const std::vector<std::pair<std::string, fetch::TarType>> expected = {
      {"Dockerfile", fetch::TarType::kFile},
      {"app/", fetch::TarType::kDirectory},
      {"app/lib/", fetch::TarType::kDirectory},
      {"app/lib/util.py", fetch::TarType::kFile},
      {"app/score.py", fetch::TarType::kFile}};
  ASSERT_EQ(entries.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(entries[i].first.substr(0, expected[i].first.size()), expected[i].first) << i;
    EXPECT_EQ(entries[i].second, expected[i].second) << entries[i].first;
  }
  EXPECT_EQ(tar.size() - at, 2 * fetch::kTarBlock);  // the end-of-archive blocks
}

}  // namespace
}  // namespace kiln::reconcilers::model_package
