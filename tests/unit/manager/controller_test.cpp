// A controller's event handlers and reconcile wrapper, without a cluster: the
// informer is never started, events are handed to the handler directly.
#include "operator/manager/controller.hpp"

#include <gtest/gtest.h>

#include "operator/manager/enqueue_handler.hpp"

namespace kiln::manager {
namespace {

using nlohmann::json;

const kube::ResourceRef kWidgets{"test.kiln.dev", "v1", "widgets", "Widget", true};

std::shared_ptr<kube::RestClient> unreachable_client() {
  kube::ClientConfig config;
  config.server = "http://127.0.0.1:1";
  return kube::make_client(config);
}

kube::ObjectPtr object(const std::string& name, int generation, const json& owners = json()) {
  json o = {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"namespace", "ns"}, {"name", name}, {"generation", generation}}}};
  if (!owners.is_null()) o["metadata"]["ownerReferences"] = owners;
  return std::make_shared<const json>(std::move(o));
}

json widget_ref(const std::string& name) {
  return {{"apiVersion", "test.kiln.dev/v1"},
          {"kind", "Widget"},
          {"name", name},
          {"uid", name},
          {"controller", true}};
}

class ControllerTest : public ::testing::Test {
 protected:
  // The keys queued, in order of readiness (all are ready at once).
  std::vector<std::string> drain() {
    std::vector<std::string> keys;
    while (controller.queue().len() > 0) {
      auto k = controller.queue().get();
      keys.push_back(*k);
      controller.queue().done(*k);
    }
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  std::shared_ptr<kube::RestClient> client = unreachable_client();
  runtime::MetricsRegistry metrics;
  kube::Informer widgets{client, kWidgets};
  std::function<runtime::ReconcileResult(const Request&, ReconcileContext&)> reconcile;
  Controller controller{
      {.name = "widget", .primary = kWidgets, .workers = 1},
      widgets,
      [this](const Request& r, ReconcileContext& ctx) { return reconcile(r, ctx); },
      client,
      metrics,
      "test-instance"};
};

TEST_F(ControllerTest, OwnerMappingQueuesTheOwnerOfOldAndNewObject) {
  RequestMapper to_owner = [](const json& o) {
    auto r = controller_owner_request(o, kWidgets);
    return r ? std::vector<Request>{*r} : std::vector<Request>{};
  };
  auto h = enqueue_handler(controller, to_owner, {});
  h.on_add(object("c1", 1, json::array({widget_ref("a")})));
  h.on_add(object("orphan", 1));
  EXPECT_EQ(drain(), (std::vector<std::string>{"ns/a"}));
  // A child moved from one owner to another concerns both.
  h.on_update(object("c1", 1, json::array({widget_ref("a")})),
              object("c1", 2, json::array({widget_ref("b")})));
  EXPECT_EQ(drain(), (std::vector<std::string>{"ns/a", "ns/b"}));
  h.on_delete(object("c1", 2, json::array({widget_ref("b")})));
  EXPECT_EQ(drain(), (std::vector<std::string>{"ns/b"}));
}

TEST_F(ControllerTest, LowerPriorityRequestsWaitForTheOthers) {
  RequestMapper to_owner = [](const json& o) {
    return std::vector<Request>{{"ns", o["metadata"]["ownerReferences"][0].value("name", "")}};
  };
  auto children = enqueue_handler(controller, to_owner, {}, -10);
  auto primaries = enqueue_handler(controller, request_for_object, {});
  children.on_add(object("child-a", 1, json::array({widget_ref("a")})));
  primaries.on_add(object("b", 1));
  children.on_add(object("child-c", 1, json::array({widget_ref("c")})));
  primaries.on_add(object("d", 1));
  std::vector<std::string> order;
  while (controller.queue().len() > 0) {
    auto k = controller.queue().get();
    order.push_back(*k);
    controller.queue().done(*k);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"ns/b", "ns/d", "ns/a", "ns/c"}));
}

TEST_F(ControllerTest, WatchesMapperFansOutAndPredicatesFilter) {
  RequestMapper fan_out = [](const json& o) {
    std::string n = o["metadata"]["name"];
    return std::vector<Request>{{"x", n + "-1"}, {"y", n + "-2"}};
  };
  auto h = enqueue_handler(controller, fan_out, {generation_changed()});
  h.on_add(object("s", 1));
  EXPECT_EQ(drain(), (std::vector<std::string>{"x/s-1", "y/s-2"}));
  h.on_update(object("s", 1), object("s", 1));  // status-only: filtered out
  EXPECT_TRUE(drain().empty());
  h.on_update(object("s", 1), object("s", 2));
  EXPECT_EQ(drain(), (std::vector<std::string>{"x/s-1", "y/s-2"}));
}

TEST_F(ControllerTest, MissingObjectIsReportedAsNotFound) {
  std::string seen_id;
  reconcile = [&](const Request& r, ReconcileContext& ctx) {
    EXPECT_EQ(r, (Request{"ns", "gone"}));
    EXPECT_EQ(ctx.request(), r);
    seen_id = ctx.reconcile_id();
    if (!ctx.object()) return ctx.not_found();
    return runtime::ReconcileResult::error("object should be missing");
  };
  auto result = controller.reconcile_key("ns/gone", {});
  EXPECT_EQ(result.kind(), runtime::ReconcileResult::Kind::done);
  EXPECT_FALSE(seen_id.empty());
  auto& family = metrics.counter("kiln_reconcile_not_found_total", "", {"controller"});
  EXPECT_EQ(family.with({"widget"}).value(), 1);
}

TEST_F(ControllerTest, ExceptionBecomesAnErrorCarryingTheReconcileId) {
  std::string seen_id;
  reconcile = [&](const Request&, ReconcileContext& ctx) -> runtime::ReconcileResult {
    seen_id = ctx.reconcile_id();
    throw std::runtime_error("boom");
  };
  auto result = controller.reconcile_key("ns/w", {});
  EXPECT_EQ(result.kind(), runtime::ReconcileResult::Kind::error);
  EXPECT_NE(result.message().find("boom"), std::string::npos);
  EXPECT_NE(result.message().find(seen_id), std::string::npos) << result.message();
}

TEST_F(ControllerTest, EachReconcileGetsItsOwnId) {
  std::set<std::string> ids;
  reconcile = [&](const Request&, ReconcileContext& ctx) {
    ids.insert(ctx.reconcile_id());
    return runtime::ReconcileResult::done();
  };
  for (int i = 0; i < 5; ++i) controller.reconcile_key("ns/w", {});
  EXPECT_EQ(ids.size(), 5u);
}

}  // namespace
}  // namespace kiln::manager
