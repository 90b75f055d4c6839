#include "operator/manager/event_mapping.hpp"

#include <gtest/gtest.h>

namespace kiln::manager {
namespace {

using nlohmann::json;

const kube::ResourceRef kWidgets{"test.kiln.dev", "v1", "widgets", "Widget", true};

json child(const std::string& ns, const json& owner_references) {
  return {{"metadata", {{"name", "c"}, {"namespace", ns}, {"ownerReferences", owner_references}}}};
}

json ref(const std::string& api_version, const std::string& kind, const std::string& name,
         bool controller) {
  return {{"apiVersion", api_version},
          {"kind", kind},
          {"name", name},
          {"uid", name + "-uid"},
          {"controller", controller}};
}

TEST(EventMapping, ObjectMapsToItself) {
  EXPECT_EQ(request_for_object({{"metadata", {{"namespace", "ns"}, {"name", "w"}}}}),
            (std::vector<Request>{{"ns", "w"}}));
}

TEST(EventMapping, ChildMapsToItsControllerOwnerOfTheOwnersKind) {
  auto c = child("ns", json::array({ref("v1", "ConfigMap", "other", false),
                                    ref("test.kiln.dev/v1", "Widget", "parent", true)}));
  EXPECT_EQ(controller_owner_request(c, kWidgets), (Request{"ns", "parent"}));
}

TEST(EventMapping, OwnerKeyRuleIgnoresNonControllersOtherKindsAndOtherGroups) {
  // An owner that is not the controller does not count.
  EXPECT_FALSE(controller_owner_request(
      child("ns", json::array({ref("test.kiln.dev/v1", "Widget", "p", false)})), kWidgets));
  // Same kind name in another group is another kind.
  EXPECT_FALSE(controller_owner_request(
      child("ns", json::array({ref("other.dev/v1", "Widget", "p", true)})), kWidgets));
  // Another kind of the same group.
  EXPECT_FALSE(controller_owner_request(
      child("ns", json::array({ref("test.kiln.dev/v1", "Gadget", "p", true)})), kWidgets));
  // No owners at all.
  EXPECT_FALSE(controller_owner_request(json{{"metadata", {{"name", "c"}}}}, kWidgets));
  // Another version of the owner's group and kind still counts.
  EXPECT_EQ(controller_owner_request(
                child("ns", json::array({ref("test.kiln.dev/v2", "Widget", "p", true)})), kWidgets),
            (Request{"ns", "p"}));
}

TEST(EventMapping, ClusterScopedOwnerHasNoNamespace) {
  kube::ResourceRef clusters{"kiln.dev", "v1alpha1", "clusterthings", "ClusterThing", false};
  auto c = child("ns", json::array({ref("kiln.dev/v1alpha1", "ClusterThing", "global", true)}));
  EXPECT_EQ(controller_owner_request(c, clusters), (Request{"", "global"}));
}

TEST(EventMapping, RequestsByIndexUseKeysOnly) {
  kube::ObjectCache cache;
  cache.add_index("model", [](const json& o) -> std::vector<std::string> {
    return {o["spec"]["model"].get<std::string>()};
  });
  auto isvc = [](const std::string& ns, const std::string& name, const std::string& model) {
    return std::make_shared<const json>(
        json{{"metadata", {{"namespace", ns}, {"name", name}}}, {"spec", {{"model", model}}}});
  };
  cache.upsert(isvc("b", "s2", "iris"));
  cache.upsert(isvc("a", "s1", "iris"));
  cache.upsert(isvc("a", "s3", "mnist"));
  EXPECT_EQ(requests_by_index(cache, "model", "iris"),
            (std::vector<Request>{{"a", "s1"}, {"b", "s2"}}));
  EXPECT_TRUE(requests_by_index(cache, "model", "none").empty());
}

}  // namespace
}  // namespace kiln::manager
