#include "operator/kube/owner_references.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace kiln::kube {
namespace {

using nlohmann::json;

json owner(const std::string& name, const std::string& uid) {
  return {{"apiVersion", "kiln.dev/v1alpha1"},
          {"kind", "InferenceService"},
          {"metadata", {{"name", name}, {"namespace", "ns"}, {"uid", uid}}}};
}

TEST(OwnerReferences, ControllerReferenceBlocksOwnerDeletion) {
  auto ref = controller_reference(owner("svc", "u1"));
  EXPECT_EQ(ref, (json{{"apiVersion", "kiln.dev/v1alpha1"},
                       {"kind", "InferenceService"},
                       {"name", "svc"},
                       {"uid", "u1"},
                       {"controller", true},
                       {"blockOwnerDeletion", true}}));
}

TEST(OwnerReferences, SetControllerIsIdempotent) {
  json child = {{"metadata", {{"name", "deploy"}}}};
  EXPECT_TRUE(set_controller_reference(child, owner("svc", "u1")));
  EXPECT_FALSE(set_controller_reference(child, owner("svc", "u1")));
  EXPECT_EQ(child["metadata"]["ownerReferences"].size(), 1u);
  EXPECT_TRUE(is_controlled_by(child, owner("svc", "u1")));
  EXPECT_FALSE(is_controlled_by(child, owner("svc", "u2")));
}

TEST(OwnerReferences, SecondControllerIsRefused) {
  json child = {{"metadata", {{"name", "deploy"}}}};
  set_controller_reference(child, owner("a", "u1"));
  EXPECT_THROW(set_controller_reference(child, owner("b", "u2")), std::logic_error);
  // A plain owner reference may be added alongside.
  EXPECT_TRUE(set_owner_reference(child, owner("b", "u2")));
  EXPECT_EQ(child["metadata"]["ownerReferences"].size(), 2u);
  EXPECT_EQ(controller_of(child)->at("uid"), "u1");
}

TEST(OwnerReferences, NoControllerWithoutReferences) {
  EXPECT_FALSE(controller_of(json{{"metadata", {{"name", "x"}}}}).has_value());
}

}  // namespace
}  // namespace kiln::kube
