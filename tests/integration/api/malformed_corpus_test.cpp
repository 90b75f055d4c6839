// Each file of malformed/ is an object the API must refuse: `# expect:`
// lines give fragments the rejection must contain (the field path first).
// Every file is created for real (not a dry run); none may be admitted, and
// afterwards nothing of the corpus exists in the namespace.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/integration/api/kiln_crd_test.hpp"

namespace {

namespace fs = std::filesystem;
using kiln::testing::KilnCrdTest;

struct CorpusCase {
  fs::path file;
  std::vector<std::string> expected;  // fragments of the rejection message
};

std::vector<CorpusCase> load_corpus() {
  std::vector<CorpusCase> cases;
  for (const auto& entry : fs::directory_iterator(KILN_MALFORMED_DIR)) {
    if (entry.path().extension() != ".yaml") continue;
    CorpusCase c{entry.path(), {}};
    std::ifstream in(entry.path());
    const std::string prefix = "# expect: ";
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(prefix, 0) == 0) c.expected.push_back(line.substr(prefix.size()));
    }
    cases.push_back(std::move(c));
  }
  std::sort(cases.begin(), cases.end(),
            [](const auto& a, const auto& b) { return a.file < b.file; });
  return cases;
}

using MalformedCorpus = KilnCrdTest;

TEST_F(MalformedCorpus, EveryObjectIsRejectedNamingTheField) {
  const auto corpus = load_corpus();
  ASSERT_GE(corpus.size(), 40u);
  for (const auto& c : corpus) {
    SCOPED_TRACE(c.file.filename().string());
    ASSERT_FALSE(c.expected.empty()) << "no `# expect:` line";
    // The first fragment names the field: a path such as spec.autoscaling.minReplicas.
    EXPECT_TRUE(c.expected.front().starts_with("spec") ||
                c.expected.front().starts_with("metadata") ||
                c.expected.front().starts_with("unknown field \"spec"))
        << c.expected.front();
    auto r = kubectl({"create", "-f", c.file.string()});
    EXPECT_NE(r.exit_code, 0) << "admitted: " << r.output;
    for (const auto& fragment : c.expected) {
      EXPECT_NE(r.output.find(fragment), std::string::npos)
          << "the rejection does not say \"" << fragment << "\":\n"
          << r.output;
    }
  }
  // Nothing half-applied remains.
  auto left = kubectl({"get", "kiln", "-o", "name"});
  EXPECT_EQ(left.exit_code, 0) << left.output;
  EXPECT_EQ(left.output.find("kiln.dev"), std::string::npos) << left.output;
}

}  // namespace
