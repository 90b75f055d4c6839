#include "operator/kube/object_cache.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace kiln::kube {
namespace {

using nlohmann::json;

ObjectPtr make(const std::string& ns, const std::string& name, const std::string& rv,
               const std::string& owner_uid = "", const json& labels = json::object()) {
  json o = {{"metadata",
             {{"name", name}, {"namespace", ns}, {"resourceVersion", rv}, {"labels", labels}}}};
  if (!owner_uid.empty()) {
    o["metadata"]["ownerReferences"] =
        json::array({{{"uid", "other"}, {"kind", "X"}},
                     {{"uid", owner_uid}, {"kind", "InferenceService"}, {"controller", true}}});
  }
  return std::make_shared<const json>(std::move(o));
}

std::vector<std::string> names(std::vector<ObjectPtr> objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.push_back((*o)["metadata"]["name"]);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ObjectKey, NamespacedAndClusterScoped) {
  EXPECT_EQ(object_key(json{{"metadata", {{"namespace", "a"}, {"name", "b"}}}}), "a/b");
  EXPECT_EQ(object_key(json{{"metadata", {{"name", "node-1"}}}}), "node-1");
}

TEST(ObjectCache, GetListAndNamespaceIndex) {
  ObjectCache c;
  c.add_index(std::string(kNamespaceIndex), index_by_namespace);
  EXPECT_EQ(c.upsert(make("ns1", "a", "1")), nullptr);
  c.upsert(make("ns1", "b", "1"));
  c.upsert(make("ns2", "a", "1"));
  EXPECT_EQ(c.size(), 3u);
  ASSERT_NE(c.get("ns2", "a"), nullptr);
  EXPECT_EQ(c.get("ns3", "a"), nullptr);
  EXPECT_EQ(names(c.by_namespace("ns1")), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(names(c.by_namespace("ns2")), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(c.by_namespace("nope").empty());
  EXPECT_THROW(c.by_index("no-such-index", "x"), std::invalid_argument);      // a bug, not "none"
  EXPECT_THROW(ObjectCache().by_controller("uid-A"), std::invalid_argument);  // not added
}

TEST(ObjectCache, ControllerOwnerIndexFollowsUpdates) {
  ObjectCache c;
  c.add_index(std::string(kControllerOwnerIndex), index_by_controller_owner);
  c.upsert(make("ns", "child1", "1", "uid-A"));
  c.upsert(make("ns", "child2", "1", "uid-A"));
  c.upsert(make("ns", "loner", "1"));
  EXPECT_EQ(names(c.by_controller("uid-A")), (std::vector<std::string>{"child1", "child2"}));
  EXPECT_TRUE(c.by_controller("other").empty());  // not a controller reference

  auto old = c.upsert(make("ns", "child2", "2", "uid-B"));  // adopted by another owner
  ASSERT_NE(old, nullptr);
  EXPECT_EQ((*old)["metadata"]["resourceVersion"], "1");
  EXPECT_EQ(names(c.by_controller("uid-A")), (std::vector<std::string>{"child1"}));
  EXPECT_EQ(names(c.by_controller("uid-B")), (std::vector<std::string>{"child2"}));

  c.erase(*make("ns", "child1", "3"));
  EXPECT_TRUE(c.by_controller("uid-A").empty());
  EXPECT_EQ(c.erase(*make("ns", "child1", "3")), nullptr);
}

TEST(ObjectCache, CustomIndexCoversExistingAndNewObjects) {
  ObjectCache c;
  c.upsert(make("ns", "m1", "1", "", {{"model", "iris"}}));
  c.add_index("by-model", [](const json& o) -> std::vector<std::string> {
    auto l = o["metadata"]["labels"];
    if (!l.contains("model")) return {};
    return {l["model"].get<std::string>()};
  });
  c.upsert(make("ns", "m2", "1", "", {{"model", "iris"}}));
  c.upsert(make("ns", "m3", "1", "", {{"model", "mnist"}}));
  c.upsert(make("ns", "m4", "1"));
  EXPECT_EQ(names(c.by_index("by-model", "iris")), (std::vector<std::string>{"m1", "m2"}));
  EXPECT_EQ(names(c.by_index("by-model", "mnist")), (std::vector<std::string>{"m3"}));
  // Keys only, sorted, without decoding the objects.
  EXPECT_EQ(c.keys_by_index("by-model", "iris"), (std::vector<std::string>{"ns/m1", "ns/m2"}));
  EXPECT_TRUE(c.keys_by_index("by-model", "none").empty());
  EXPECT_THROW(c.keys_by_index("no-such-index", "iris"), std::invalid_argument);
  c.erase(*make("ns", "m1", "2"));
  EXPECT_EQ(c.keys_by_index("by-model", "iris"), (std::vector<std::string>{"ns/m2"}));
}

TEST(ObjectCache, ReplaceReportsAddedUpdatedAndDeleted) {
  ObjectCache c;
  c.add_index(std::string(kControllerOwnerIndex), index_by_controller_owner);
  c.upsert(make("ns", "kept", "1", "uid-A"));
  c.upsert(make("ns", "changed", "1", "uid-A"));
  c.upsert(make("ns", "gone", "1", "uid-A"));
  auto delta = c.replace({make("ns", "kept", "1", "uid-A"), make("ns", "changed", "2", "uid-A"),
                          make("ns", "new", "5", "uid-A")});
  EXPECT_EQ(names(delta.added), (std::vector<std::string>{"new"}));
  EXPECT_EQ(names(delta.deleted), (std::vector<std::string>{"gone"}));
  ASSERT_EQ(delta.updated.size(), 1u);
  EXPECT_EQ((*delta.updated[0].first)["metadata"]["resourceVersion"], "1");
  EXPECT_EQ((*delta.updated[0].second)["metadata"]["resourceVersion"], "2");

  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.get("ns", "gone"), nullptr);
  // Indexes were rebuilt from the new content.
  EXPECT_EQ(names(c.by_controller("uid-A")), (std::vector<std::string>{"changed", "kept", "new"}));
}

// The packed byte count follows every change, so the metric built on it
// (kiln_informer_packed_bytes) says what each cache holds.
TEST(ObjectCache, PackedBytesFollowUpsertsErasesAndReplaces) {
  ObjectCache c;
  EXPECT_EQ(c.packed_bytes(), 0u);
  c.upsert(make("ns", "a", "1"));
  const auto with_a = c.packed_bytes();
  EXPECT_GT(with_a, 0u);
  c.upsert(make("ns", "b", "1"));
  const auto with_b = c.packed_bytes();
  EXPECT_GT(with_b, with_a);
  // Random text does not compress: the count grows by at least its size.
  std::mt19937 random(42);
  std::string noise;
  for (int i = 0; i < 400; ++i) noise.push_back(static_cast<char>('a' + random() % 26));
  c.upsert(make("ns", "a", "2", "", {{"grown", noise}}));
  EXPECT_GT(c.packed_bytes(), with_b + 100);
  c.erase(*make("ns", "a", "2"));
  EXPECT_EQ(c.packed_bytes(), with_b - with_a);  // b alone
  c.replace({make("ns", "c", "1"), make("ns", "d", "1"), make("ns", "e", "1")});
  EXPECT_GT(c.packed_bytes(), 0u);
  c.replace({});
  EXPECT_EQ(c.packed_bytes(), 0u);
}

TEST(ObjectCache, ReadersKeepTheirSnapshot) {
  ObjectCache c;
  c.upsert(make("ns", "a", "1"));
  ObjectPtr held = c.get("ns", "a");
  c.replace({});
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ((*held)["metadata"]["resourceVersion"], "1");
}

}  // namespace
}  // namespace kiln::kube
