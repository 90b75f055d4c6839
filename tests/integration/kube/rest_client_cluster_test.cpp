// RestClient against the real kube-apiserver: verbs, paging, server-side
// apply, the status subresource, discovery, and typed errors.
#include <set>

#include "operator/kube/resource_mapper.hpp"
#include "tests/integration/kube/kube_cluster_test.hpp"

namespace kiln::kube::testing {
namespace {

using nlohmann::json;

class RestClientTest : public KubeClusterTest {};

TEST_F(RestClientTest, CrudRoundTrip) {
  auto cms = resources::config_maps();
  auto created = client().create(cms, config_map("crud", {{"a", "1"}}), ns());
  EXPECT_EQ(created["metadata"]["namespace"], ns());
  EXPECT_FALSE(created["metadata"].value("uid", "").empty());

  auto got = client().get(cms, ns(), "crud");
  EXPECT_EQ(got["data"]["a"], "1");

  got["data"]["b"] = "2";
  auto updated = client().update(cms, got);
  EXPECT_NE(updated["metadata"]["resourceVersion"], got["metadata"]["resourceVersion"]);
  // kubectl sees what the client wrote.
  EXPECT_EQ(get_json({"configmap", "crud"})["data"], (json{{"a", "1"}, {"b", "2"}}));

  auto merged = client().patch(cms, ns(), "crud", PatchType::kMerge, {{"data", {{"a", nullptr}}}});
  EXPECT_FALSE(merged["data"].contains("a"));
  auto jp = client().patch(cms, ns(), "crud", PatchType::kJson,
                           json::array({{{"op", "add"}, {"path", "/data/c"}, {"value", "3"}}}));
  EXPECT_EQ(jp["data"], (json{{"b", "2"}, {"c", "3"}}));

  client().remove(cms, ns(), "crud", {PropagationPolicy::kBackground, 0, "", ""});
  EXPECT_THROW(client().get(cms, ns(), "crud"), NotFoundError);
  EXPECT_THROW(client().remove(cms, ns(), "crud"), NotFoundError);
}

TEST_F(RestClientTest, TypedErrors) {
  auto cms = resources::config_maps();
  client().create(cms, config_map("once"), ns());
  EXPECT_THROW(client().create(cms, config_map("once"), ns()), AlreadyExistsError);

  try {
    client().create(cms, config_map("Not_A_DNS_Name"), ns());
    FAIL() << "invalid name accepted";
  } catch (const InvalidError& e) {
    EXPECT_EQ(e.code(), 422);
    EXPECT_EQ(e.reason(), "Invalid");
    ASSERT_FALSE(e.status().causes.empty());
    EXPECT_EQ(e.status().causes[0].field, "metadata.name");
  }

  auto stale = client().get(cms, ns(), "once");
  auto fresh = stale;
  fresh["data"] = {{"x", "1"}};
  client().update(cms, fresh);
  stale["data"] = {{"y", "1"}};
  try {
    client().update(cms, stale);
    FAIL() << "update from a stale resourceVersion accepted";
  } catch (const ConflictError& e) {
    EXPECT_EQ(e.code(), 409);
    EXPECT_EQ(e.reason(), "Conflict");
  }

  // A precondition on uid that does not match refuses the delete.
  EXPECT_THROW(
      client().remove(cms, ns(), "once", {PropagationPolicy::kDefault, {}, "no-such-uid", ""}),
      ConflictError);
  EXPECT_THROW(client().get(resources::config_maps(), "no-such-namespace-xyz", "x"), NotFoundError);
}

TEST_F(RestClientTest, PagedListFollowsContinueTokens) {
  auto cms = resources::config_maps();
  for (int i = 0; i < 23; ++i) client().create(cms, config_map("page-" + std::to_string(i)), ns());

  ListOptions o;
  o.label_selector = "kiln.dev/test=yes";
  o.limit = 10;
  auto first = client().list(cms, ns(), o);
  EXPECT_EQ(first["items"].size(), 10u);
  EXPECT_FALSE(first["metadata"].value("continue", "").empty());

  auto all = client().list_all(cms, ns(), o);
  std::set<std::string> names;
  for (const auto& item : all["items"]) names.insert(item["metadata"]["name"]);
  EXPECT_EQ(names.size(), 23u);  // every object once, none twice
  EXPECT_EQ(all["items"].size(), 23u);
  EXPECT_FALSE(all["metadata"].value("resourceVersion", "").empty());
}

TEST_F(RestClientTest, ServerSideApplyOwnsFieldsAndReportsConflicts) {
  auto cms = resources::config_maps();
  json desired = config_map("ssa", {{"owned-by-kiln", "1"}});
  desired["metadata"]["namespace"] = ns();
  auto applied = client().apply(cms, desired, "kiln");
  EXPECT_EQ(applied["data"]["owned-by-kiln"], "1");

  // Applying the same again is a no-op.
  auto again = client().apply(cms, desired, "kiln");
  EXPECT_EQ(again["metadata"]["resourceVersion"], applied["metadata"]["resourceVersion"]);

  // Another manager changing kiln's field without force: 409 naming the conflict.
  json rival = config_map("ssa", {{"owned-by-kiln", "2"}});
  rival["metadata"]["namespace"] = ns();
  try {
    client().apply(cms, rival, "rival", /*force=*/false);
    FAIL() << "conflicting apply accepted";
  } catch (const ConflictError& e) {
    EXPECT_EQ(e.code(), 409);
    EXPECT_NE(std::string(e.what()).find("owned-by-kiln"), std::string::npos) << e.what();
  }
  auto forced = client().apply(cms, rival, "rival", /*force=*/true);
  EXPECT_EQ(forced["data"]["owned-by-kiln"], "2");
  std::set<std::string> managers;
  for (const auto& mf : forced["metadata"]["managedFields"]) managers.insert(mf["manager"]);
  EXPECT_TRUE(managers.contains("rival"));

  // Dropping a field from kiln's applied config removes it when kiln still owns it.
  json two = config_map("ssa2", {{"keep", "1"}, {"drop", "1"}});
  two["metadata"]["namespace"] = ns();
  client().apply(cms, two, "kiln");
  two["data"].erase("drop");
  EXPECT_EQ(client().apply(cms, two, "kiln")["data"], (json{{"keep", "1"}}));
}

TEST_F(RestClientTest, StatusSubresourceIsSeparateFromSpec) {
  ensure_widget_crd();
  if (HasFatalFailure()) return;
  json w = {{"apiVersion", "test.kiln.dev/v1"},
            {"kind", "Widget"},
            {"metadata", {{"name", "w"}, {"namespace", ns()}}},
            {"spec", {{"size", 1}}},
            {"status", {{"phase", "Ignored"}}}};
  auto created = client().create(widgets(), w);
  EXPECT_FALSE(created.contains("status"));  // status is dropped on create with a subresource

  created["status"] = {{"phase", "Ready"}};
  created["spec"]["size"] = 99;  // ignored by the status endpoint
  auto st = client().update_status(widgets(), created);
  EXPECT_EQ(st["status"]["phase"], "Ready");
  EXPECT_EQ(st["spec"]["size"], 1);

  json status_apply = {{"apiVersion", "test.kiln.dev/v1"},
                       {"kind", "Widget"},
                       {"metadata", {{"name", "w"}, {"namespace", ns()}}},
                       {"status", {{"phase", "Serving"}, {"observedGeneration", 1}}}};
  auto applied = client().apply_status(widgets(), status_apply, "kiln");
  EXPECT_EQ(applied["status"]["phase"], "Serving");

  auto merged = client().patch(widgets(), ns(), "w", PatchType::kMerge,
                               {{"status", {{"message", "ok"}}}}, {"", false, "status"});
  EXPECT_EQ(merged["status"]["message"], "ok");
  EXPECT_EQ(get_json({"widget.test.kiln.dev", "w"})["status"]["phase"], "Serving");
}

TEST_F(RestClientTest, DiscoveryMapsKindsToResources) {
  ensure_widget_crd();
  if (HasFatalFailure()) return;
  ResourceMapper mapper(shared_client());
  EXPECT_EQ(mapper.resource_for("apps/v1", "Deployment"), resources::deployments());
  auto nsr = mapper.resource_for("v1", "Namespace");
  EXPECT_EQ(nsr.resource, "namespaces");
  EXPECT_FALSE(nsr.namespaced);
  auto w = mapper.resource_for_object({{"apiVersion", "test.kiln.dev/v1"}, {"kind", "Widget"}});
  EXPECT_EQ(w, widgets());
  EXPECT_THROW(mapper.resource_for("apps/v1", "NoSuchKind"), UnknownKindError);
  EXPECT_THROW(mapper.resource_for("nosuchgroup.kiln.dev/v1", "X"), NotFoundError);
}

TEST_F(RestClientTest, SpeaksHttp2AndReusesConnections) {
  auto r = client().send({"GET", "/version", {}, {}, {}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.protocol, "HTTP/2");
  // Sequential calls ride the connection the first one left in the pool.
  long opened = 0;
  for (int i = 0; i < 20; ++i)
    opened += client().send({"GET", "/version", {}, {}, {}}).new_connections;
  EXPECT_EQ(opened, 0);
  // Many calls from several threads share the client; all succeed.
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (client().send({"GET", "/version", {}, {}, {}}).status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 100);
}

}  // namespace
}  // namespace kiln::kube::testing
