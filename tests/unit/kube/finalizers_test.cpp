#include "operator/kube/finalizers.hpp"

#include <gtest/gtest.h>

namespace kiln::kube {
namespace {

using nlohmann::json;

TEST(Finalizers, AddRemoveReportChanges) {
  json o = {{"metadata", {{"name", "m"}}}};
  EXPECT_FALSE(has_finalizer(o, "kiln.dev/cleanup"));
  EXPECT_TRUE(add_finalizer(o, "kiln.dev/cleanup"));
  EXPECT_FALSE(add_finalizer(o, "kiln.dev/cleanup"));
  EXPECT_TRUE(add_finalizer(o, "other/x"));
  EXPECT_EQ(o["metadata"]["finalizers"], (json{"kiln.dev/cleanup", "other/x"}));
  EXPECT_TRUE(remove_finalizer(o, "kiln.dev/cleanup"));
  EXPECT_FALSE(remove_finalizer(o, "kiln.dev/cleanup"));
  EXPECT_EQ(o["metadata"]["finalizers"], (json{"other/x"}));
}

TEST(Finalizers, BeingDeleted) {
  EXPECT_FALSE(is_being_deleted(json{{"metadata", {{"name", "m"}}}}));
  EXPECT_TRUE(
      is_being_deleted(json{{"metadata", {{"deletionTimestamp", "2026-01-01T00:00:00Z"}}}}));
}

}  // namespace
}  // namespace kiln::kube
