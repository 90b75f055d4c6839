#include "operator/manager/request.hpp"

#include <gtest/gtest.h>

#include "operator/manager/cache_options.hpp"
#include "operator/manager/reconcile_logger.hpp"
#include "operator/manager/served_resources.hpp"

namespace kiln::manager {
namespace {

using nlohmann::json;

TEST(Request, KeyRoundTripsForNamespacedAndClusterScoped) {
  EXPECT_EQ((Request{"ns", "w"}).key(), "ns/w");
  EXPECT_EQ((Request{"", "node-1"}).key(), "node-1");
  EXPECT_EQ(Request::from_key("ns/w"), (Request{"ns", "w"}));
  EXPECT_EQ(Request::from_key("node-1"), (Request{"", "node-1"}));
  EXPECT_EQ(Request::of({{"metadata", {{"namespace", "a"}, {"name", "b"}}}}), (Request{"a", "b"}));
  EXPECT_EQ(Request::of({{"metadata", {{"name", "b"}}}}), (Request{"", "b"}));
  EXPECT_LT((Request{"a", "z"}), (Request{"b", "a"}));
}

// 8-4-4-4-12 lower-case hex digits, version 4, variant 10xx. Checked by hand:
// GCC 12's <regex> fails the ASan build with a false maybe-uninitialized.
bool is_uuid_v4(const std::string& s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = s[i];
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return s[14] == '4' && (s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
}

TEST(ReconcileId, IsAFreshUuidV4EachTime) {
  EXPECT_FALSE(is_uuid_v4("0123456789"));
  EXPECT_FALSE(is_uuid_v4("01234567-89ab-3def-8123-456789abcdef"));  // version 3
  EXPECT_TRUE(is_uuid_v4("01234567-89ab-4def-8123-456789abcdef"));
  auto a = new_reconcile_id();
  auto b = new_reconcile_id();
  EXPECT_TRUE(is_uuid_v4(a)) << a;
  EXPECT_TRUE(is_uuid_v4(b)) << b;
  EXPECT_NE(a, b);
  ReconcileLogger log("widget", "ns/w", a);
  EXPECT_EQ(log.fields(), "controller=widget object=ns/w reconcileID=" + a);
}

TEST(CacheOptions, MetadataOnlyKeepsIdentityAndMetadata) {
  json o = {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", "d"}, {"ownerReferences", json::array({{{"uid", "u"}}})}}},
            {"spec", {{"replicas", 3}}},
            {"status", {{"readyReplicas", 3}}}};
  keep_metadata_only(o);
  EXPECT_EQ(
      o, (json{{"apiVersion", "apps/v1"},
               {"kind", "Deployment"},
               {"metadata", {{"name", "d"}, {"ownerReferences", json::array({{{"uid", "u"}}})}}}}));
}

TEST(ServedResources, MissingCrdMessageNamesTheCrd) {
  kube::ResourceRef models{"kiln.dev", "v1alpha1", "models", "Model", true};
  EXPECT_EQ(not_served_message(models),
            "models.kiln.dev/v1alpha1 (kind Model) is not served by the API server: is its "
            "CustomResourceDefinition installed? (kubectl get crd models.kiln.dev)");
  // Built-in kinds have no CRD to point at.
  auto hpa = not_served_message(kube::resources::horizontal_pod_autoscalers());
  EXPECT_EQ(hpa,
            "horizontalpodautoscalers.autoscaling/v2 (kind HorizontalPodAutoscaler) is not served "
            "by the API server");
}

}  // namespace
}  // namespace kiln::manager
