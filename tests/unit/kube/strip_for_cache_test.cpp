#include <gtest/gtest.h>

#include "operator/kube/informer.hpp"

namespace kiln::kube {
namespace {

TEST(StripForCache, DropsManagedFieldsAndLastApplied) {
  auto o = nlohmann::json::parse(R"({
    "metadata": {"name": "x", "managedFields": [{"manager": "kubectl"}],
                 "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}",
                                 "keep": "me"}},
    "spec": {"replicas": 1}})");
  strip_for_cache(o);
  EXPECT_FALSE(o["metadata"].contains("managedFields"));
  EXPECT_EQ(o["metadata"]["annotations"], (nlohmann::json{{"keep", "me"}}));
  EXPECT_EQ(o["spec"]["replicas"], 1);
}

TEST(StripForCache, RemovesAnnotationsLeftEmpty) {
  auto o = nlohmann::json::parse(R"({"metadata": {"name": "x",
    "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}}})");
  strip_for_cache(o);
  EXPECT_FALSE(o["metadata"].contains("annotations"));
}

}  // namespace
}  // namespace kiln::kube
