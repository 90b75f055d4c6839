#include "server/request_id.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace kiln::serve {
namespace {

TEST(RequestId, IsARandomVersion4Uuid) {
  std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = generate_request_id();
    ASSERT_TRUE(std::regex_match(id, uuid)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace kiln::serve
