#include "operator/kube/resource_mapper.hpp"

#include <gtest/gtest.h>

namespace kiln::kube {
namespace {

TEST(ResourceRef, Paths) {
  EXPECT_EQ(resources::config_maps().path("ns", "x"), "/api/v1/namespaces/ns/configmaps/x");
  EXPECT_EQ(resources::config_maps().path(), "/api/v1/configmaps");
  EXPECT_EQ(resources::deployments().path("ns", "d", "status"),
            "/apis/apps/v1/namespaces/ns/deployments/d/status");
  EXPECT_EQ(resources::namespaces().path("ignored", "kube-system"),
            "/api/v1/namespaces/kube-system");
  EXPECT_EQ(resources::deployments().api_version(), "apps/v1");
  EXPECT_EQ(resources::pods().api_version(), "v1");
}

TEST(ResourceMapper, ParseGvk) {
  auto core = parse_gvk("v1", "ConfigMap");
  EXPECT_EQ(core.group, "");
  EXPECT_EQ(core.version, "v1");
  auto g = parse_gvk("kiln.dev/v1alpha1", "Model");
  EXPECT_EQ(g.group, "kiln.dev");
  EXPECT_EQ(g.version, "v1alpha1");
  EXPECT_EQ(g.kind, "Model");
}

TEST(ResourceMapper, ParseResourceListSkipsSubresources) {
  auto list = nlohmann::json::parse(R"({
    "kind": "APIResourceList", "groupVersion": "apps/v1",
    "resources": [
      {"name": "deployments", "singularName": "deployment", "namespaced": true, "kind": "Deployment"},
      {"name": "deployments/status", "namespaced": true, "kind": "Deployment"},
      {"name": "deployments/scale", "namespaced": true, "group": "autoscaling", "kind": "Scale"},
      {"name": "controllerrevisions", "namespaced": true, "kind": "ControllerRevision"}]})");
  auto refs = ResourceMapper::parse_resource_list("apps", "v1", list);
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0], resources::deployments());
  EXPECT_EQ(refs[1].resource, "controllerrevisions");
}

}  // namespace
}  // namespace kiln::kube
