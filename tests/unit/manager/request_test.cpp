#include "operator/manager/request.hpp"

#include <gtest/gtest.h>

#include <regex>

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

TEST(ReconcileId, IsAFreshUuidV4EachTime) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  auto a = new_reconcile_id();
  auto b = new_reconcile_id();
  EXPECT_TRUE(std::regex_match(a, uuid)) << a;
  EXPECT_TRUE(std::regex_match(b, uuid)) << b;
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
