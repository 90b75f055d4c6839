#pragma once

// Golden files: a build context is written as one text file, each file of the
// context preceded by a "==> path <==" line. KILN_UPDATE_GOLDEN=1 rewrites them.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "reconcilers/environment/build_context.hpp"

namespace kiln::test {

inline std::string serialise(const reconcilers::environment::BuildContext& context) {
  std::string out;
  // The Dockerfile first: it is what a reader wants to see.
  out += "==> Dockerfile <==\n" + context.dockerfile();
  for (const auto& [path, content] : context.files) {
    if (path == reconcilers::environment::kDockerfile) continue;
    // The two embedded installer scripts are the same in every context: named, not repeated.
    if (path == "kiln/base_python.sh" || path == "kiln/install_serve.py") {
      out += "==> " + path + " <== (embedded, " + std::to_string(content.size()) + " bytes)\n";
      continue;
    }
    out += "==> " + path + " <==\n" + content;
  }
  return out;
}

inline void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(KILN_GOLDEN_DIR) + "/" + name;
  if (const char* update = std::getenv("KILN_UPDATE_GOLDEN");
      update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path << " (KILN_UPDATE_GOLDEN=1 writes it)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual) << "golden file " << path;
}

}  // namespace kiln::test
