#include "operator/kube/forbidden.hpp"

#include <gtest/gtest.h>

namespace kiln::kube {
namespace {

TEST(ParseForbidden, NamespacedWriteWithName) {
  auto p = parse_forbidden_message(
      "horizontalpodautoscalers.autoscaling \"iris\" is forbidden: User "
      "\"system:serviceaccount:kiln-system:kiln-operator\" cannot patch resource "
      "\"horizontalpodautoscalers\" in API group \"autoscaling\" in the namespace \"prod\"");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->user, "system:serviceaccount:kiln-system:kiln-operator");
  EXPECT_EQ(p->verb, "patch");
  EXPECT_EQ(p->resource, "horizontalpodautoscalers");
  EXPECT_EQ(p->group, "autoscaling");
  EXPECT_EQ(p->namespace_, "prod");
  EXPECT_EQ(p->name, "iris");
  EXPECT_EQ(p->describe(), "patch horizontalpodautoscalers.autoscaling in namespace prod");
}

TEST(ParseForbidden, ClusterScopedListOfTheCoreGroup) {
  auto p = parse_forbidden_message(
      "secrets is forbidden: User \"alice\" cannot list resource \"secrets\" in API group \"\" "
      "at the cluster scope");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->verb, "list");
  EXPECT_EQ(p->resource, "secrets");
  EXPECT_EQ(p->group, "");
  EXPECT_EQ(p->namespace_, "");
  EXPECT_EQ(p->name, "");
  EXPECT_EQ(p->describe(), "list secrets at the cluster scope");
}

TEST(ParseForbidden, OtherMessagesAreNotGuessedAt) {
  EXPECT_FALSE(parse_forbidden_message("admission webhook \"x\" denied the request"));
  EXPECT_FALSE(parse_forbidden_message(""));
  EXPECT_FALSE(parse_forbidden_message("User \"bob\" cannot"));
}

}  // namespace
}  // namespace kiln::kube
