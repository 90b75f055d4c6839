// The Watcher driving its state machine over HTTP, and the Informer on top:
// which requests it makes (paging, resourceVersion, bookmarks) and how it
// recovers from a closed stream, an ERROR 410 event and an HTTP 410. A
// scripted loopback server plays the API server's part; the real one is in
// tests/integration/kube.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "operator/kube/informer.hpp"
#include "tests/unit/kube/scripted_server.hpp"

namespace kiln::kube {
namespace {

using nlohmann::json;
using testing::ScriptedServer;
namespace http = testing::http;

json cm(const std::string& name, const std::string& rv) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", "ns"}, {"resourceVersion", rv}}}};
}

// As the real API server answers a typed list: the list carries apiVersion
// and kind, its items do not (watch events do).
std::string list(std::vector<json> items, const std::string& rv, const std::string& cont = "") {
  json meta = {{"resourceVersion", rv}};
  if (!cont.empty()) meta["continue"] = cont;
  for (auto& item : items) {
    item.erase("apiVersion");
    item.erase("kind");
  }
  return json{{"apiVersion", "v1"}, {"kind", "ConfigMapList"}, {"items", items}, {"metadata", meta}}
      .dump();
}

std::string event(const std::string& type, const json& obj) {
  return json{{"type", type}, {"object", obj}}.dump() + "\n";
}

// The API server's side of the conversation, one answer per request.
http::response<http::string_body> script(int n) {
  using http::status;
  using testing::json_response;
  switch (n) {
    case 0:
      return json_response(status::ok, list({cm("a", "5")}, "10", "page-2"));
    case 1:
      return json_response(status::ok, list({cm("b", "6")}, "10"));
    case 2:  // a watch that delivers an add and a bookmark, then ends
      return json_response(status::ok,
                           event("ADDED", cm("c", "11")) +
                               event("BOOKMARK", {{"kind", "ConfigMap"},
                                                  {"metadata", {{"resourceVersion", "15"}}}}));
    case 3:  // the history is gone
      return json_response(
          status::ok, event("ERROR", {{"kind", "Status"}, {"code", 410}, {"reason", "Expired"}}));
    case 4:  // c unchanged since its watch event: not an update
      return json_response(status::ok, list({cm("a", "5"), cm("c", "11")}, "20"));
    case 5:
      return json_response(
          status::gone, R"({"kind":"Status","code":410,"reason":"Expired","message":"too old"})");
    case 6:
      return json_response(status::ok, list({cm("c", "12")}, "30"));
    default:
      return json_response(status::ok, "");  // quiet watches from here on
  }
}

struct Log {
  std::mutex mu;
  std::vector<std::string> lines;
  void add(std::string s) {
    std::lock_guard g(mu);
    lines.push_back(std::move(s));
  }
  std::vector<std::string> get() {
    std::lock_guard g(mu);
    return lines;
  }
};

TEST(WatcherDriver, ListsPagesWatchesRewatchesAndRelists) {
  Log targets;
  ScriptedServer server([&](int n, const std::string& target) {
    targets.add(target);
    return script(n);
  });
  ClientConfig config;
  config.server = server.url();
  InformerOptions options;
  options.watch.ns = "ns";
  options.watch.page_size = 1;
  options.watch.backoff.initial = std::chrono::milliseconds(1);
  options.watch.backoff.max = std::chrono::milliseconds(5);
  Informer informer(make_client(config), resources::config_maps(), options);
  Log handled;
  EventHandler h;
  h.on_add = [&](const ObjectPtr& o) {
    handled.add("add " + (*o)["metadata"]["name"].get<std::string>());
  };
  h.on_update = [&](const ObjectPtr&, const ObjectPtr& o) {
    handled.add("update " + (*o)["metadata"]["name"].get<std::string>());
  };
  h.on_delete = [&](const ObjectPtr& o) {
    handled.add("delete " + (*o)["metadata"]["name"].get<std::string>());
  };
  informer.add_handler(h);
  informer.start();
  // Wait (not a timing assertion) until the script has been played out.
  for (int i = 0; i < 1000 && server.requests() < 9; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  informer.stop();
  ASSERT_GE(server.requests(), 9);

  auto t = targets.get();
  auto has = [](const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
  };
  EXPECT_TRUE(has(t[0], "/api/v1/namespaces/ns/configmaps?limit=1")) << t[0];
  EXPECT_FALSE(has(t[0], "watch=true"));
  EXPECT_TRUE(has(t[1], "continue=page-2")) << t[1];
  EXPECT_TRUE(has(t[2], "watch=true")) << t[2];
  EXPECT_TRUE(has(t[2], "allowWatchBookmarks=true")) << t[2];
  EXPECT_TRUE(has(t[2], "resourceVersion=10")) << t[2];  // the list's version
  EXPECT_TRUE(has(t[3], "resourceVersion=15")) << t[3];  // the bookmark's version
  EXPECT_FALSE(has(t[4], "watch=true")) << t[4];         // ERROR 410 → re-list
  EXPECT_FALSE(has(t[4], "continue=")) << t[4];
  EXPECT_TRUE(has(t[5], "resourceVersion=20")) << t[5];
  EXPECT_FALSE(has(t[6], "watch=true")) << t[6];  // HTTP 410 → re-list
  EXPECT_TRUE(has(t[7], "resourceVersion=30")) << t[7];

  // Within one list the order follows the cache's hashing; across steps it is fixed.
  auto h_log = handled.get();
  auto pos = [&](const std::string& s) {
    return std::find(h_log.begin(), h_log.end(), s) - h_log.begin();
  };
  auto sorted = h_log;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<std::string>{"add a", "add b", "add c", "delete a", "delete b",
                                              "update c"}));
  EXPECT_LT(pos("add c"), pos("delete b"));     // watch event, then the first re-list
  EXPECT_LT(pos("delete b"), pos("delete a"));  // first re-list, then the second
  EXPECT_EQ(informer.lists_applied(), 3u);
  EXPECT_TRUE(informer.has_synced());
  ASSERT_EQ(informer.cache().size(), 1u);
  EXPECT_EQ((*informer.cache().get("ns", "c"))["metadata"]["resourceVersion"], "12");
  // Listed objects are cached in the same shape as watched ones.
  EXPECT_EQ((*informer.cache().get("ns", "c"))["kind"], "ConfigMap");
  EXPECT_EQ((*informer.cache().get("ns", "c"))["apiVersion"], "v1");
}

TEST(WatcherDriver, MalformedStreamIsRewatchedFromTheLastVersion) {
  Log targets;
  ScriptedServer server([&](int n, const std::string& target) {
    targets.add(target);
    using http::status;
    using testing::json_response;
    if (n == 0) return json_response(status::ok, list({}, "10"));
    if (n == 1) return json_response(status::ok, event("ADDED", cm("a", "11")) + "{garbage\n");
    return json_response(status::ok, "");
  });
  ClientConfig config;
  config.server = server.url();
  WatcherOptions options;
  options.ns = "ns";
  options.backoff.initial = std::chrono::milliseconds(1);
  options.backoff.max = std::chrono::milliseconds(5);
  std::atomic<bool> stop{false};
  Log events;
  Watcher watcher(make_client(config), resources::config_maps(), options, [&](WatcherEvent&& ev) {
    events.add(ev.type == WatcherEvent::Type::kRestarted ? "restarted" : "applied");
  });
  std::thread runner([&] { watcher.run(stop); });
  for (int i = 0; i < 1000 && server.requests() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop = true;
  runner.join();
  auto t = targets.get();
  ASSERT_GE(t.size(), 3u);
  EXPECT_NE(t[2].find("resourceVersion=11"), std::string::npos) << t[2];
  EXPECT_EQ(events.get(), (std::vector<std::string>{"restarted", "applied"}));
}

}  // namespace
}  // namespace kiln::kube
