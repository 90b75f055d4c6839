// The watcher and informer against the real control plane: events reach the
// cache and handlers, a kube-apiserver restart is survived, and a 410 Gone
// after an etcd compaction leads to a re-list whose result equals a fresh list.
#include <map>
#include <mutex>
#include <set>

#include "operator/kube/informer.hpp"
#include "operator/kube/owner_references.hpp"
#include "operator/kube/watch_event_decoder.hpp"
#include "tests/integration/kube/kube_cluster_test.hpp"

namespace kiln::kube::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Everything handlers were told, for assertions.
struct Recorder {
  std::mutex mu;
  std::vector<std::string> log;  // "add a", "update a", "delete a"
  EventHandler handler() {
    auto name = [](const ObjectPtr& o) { return (*o)["metadata"]["name"].get<std::string>(); };
    return {[this, name](const ObjectPtr& o) { push("add " + name(o)); },
            [this, name](const ObjectPtr&, const ObjectPtr& n) { push("update " + name(n)); },
            [this, name](const ObjectPtr& o) { push("delete " + name(o)); }};
  }
  void push(std::string s) {
    std::lock_guard g(mu);
    log.push_back(std::move(s));
  }
  bool saw(const std::string& s) {
    std::lock_guard g(mu);
    return std::find(log.begin(), log.end(), s) != log.end();
  }
  int count(const std::string& s) {
    std::lock_guard g(mu);
    return static_cast<int>(std::count(log.begin(), log.end(), s));
  }
};

class InformerTest : public KubeClusterTest {
 protected:
  InformerOptions options() const {
    InformerOptions o;
    o.watch.ns = ns();
    o.watch.label_selector = "kiln.dev/test=yes";
    o.watch.page_size = 7;  // several pages even for small sets
    return o;
  }
  // name → resourceVersion of the cache and of a fresh list from the server.
  static std::map<std::string, std::string> cached(const Informer& inf) {
    std::map<std::string, std::string> out;
    for (const auto& o : inf.cache().list()) {
      out[(*o)["metadata"]["name"]] = (*o)["metadata"]["resourceVersion"];
    }
    return out;
  }
  std::map<std::string, std::string> listed() {
    std::map<std::string, std::string> out;
    ListOptions lo;
    lo.label_selector = "kiln.dev/test=yes";
    auto all = client().list_all(resources::config_maps(), ns(), lo);
    for (const auto& o : all["items"]) {
      out[o["metadata"]["name"]] = o["metadata"]["resourceVersion"];
    }
    return out;
  }
  // Polls until the cache holds exactly the listed objects at their versions;
  // on failure the difference is printed.
  // A raw watch from `rv` is refused as gone: either the request is answered
  // 410, or the stream's first event is an ERROR with code 410. Both mean
  // "re-list", and the state machine agrees.
  void expect_watch_gone(const std::string& rv) {
    WatchStateMachine m;
    m.on_list_page({{"items", json::array()}, {"metadata", {{"resourceVersion", rv}}}});
    m.on_watch_started();
    WatchEventDecoder decoder;
    std::atomic<bool> stop{false};
    bool gone = false;
    try {
      client().watch(
          resources::config_maps(), ns(), {rv, "", "", true, 5},
          [&](std::string_view chunk) {
            decoder.feed(chunk, [&](WatchEvent&& ev) {
              if (ev.type == WatchEventType::kError) gone = ev.object.value("code", 0) == 410;
              m.on_watch_event(std::move(ev));
            });
            return m.state() == WatchStateMachine::State::kWatching;
          },
          &stop);
    } catch (const GoneError& e) {
      gone = true;
      m.on_watch_failed(e.code());
    }
    EXPECT_TRUE(gone) << "watch from compacted resourceVersion " << rv << " was not refused";
    EXPECT_EQ(m.state(), WatchStateMachine::State::kEmpty);
  }

  bool cache_matches_server(const Informer& inf) {
    if (eventually([&] { return cached(inf) == listed(); }, 30s)) return true;
    auto show = [](const std::map<std::string, std::string>& m) {
      std::string s;
      for (const auto& [k, v] : m) s += k + "@" + v + " ";
      return s;
    };
    ADD_FAILURE() << "cache:  " << show(cached(inf)) << "\nserver: " << show(listed());
    return false;
  }
};

TEST_F(InformerTest, SyncsThenFollowsAddsUpdatesDeletes) {
  auto cms = resources::config_maps();
  for (int i = 0; i < 10; ++i) client().create(cms, config_map("pre-" + std::to_string(i)), ns());
  // Applied with kubectl so it carries the last-applied annotation and managedFields.
  apply(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: applied, labels: {kiln.dev/test: "yes"}, annotations: {keep: me}}
data: {k: v}
)");

  Informer inf(shared_client(), cms, options());
  inf.add_index(std::string(kNamespaceIndex), index_by_namespace);
  inf.add_index(std::string(kControllerOwnerIndex), index_by_controller_owner);
  Recorder rec;
  inf.add_handler(rec.handler());
  EXPECT_FALSE(inf.has_synced());
  inf.start();
  ASSERT_TRUE(inf.wait_for_sync(60s));
  EXPECT_EQ(inf.cache().size(), 11u);
  EXPECT_EQ(inf.lists_applied(), 1u);
  EXPECT_TRUE(rec.saw("add pre-9"));

  auto applied = inf.cache().get(ns(), "applied");
  ASSERT_NE(applied, nullptr);
  EXPECT_FALSE((*applied)["metadata"].contains("managedFields"));
  EXPECT_EQ((*applied)["metadata"]["annotations"], (json{{"keep", "me"}}));
  EXPECT_TRUE(client().get(cms, ns(), "applied")["metadata"].contains("managedFields"));

  auto owner = client().create(cms, config_map("owner"), ns());
  json child = config_map("child");
  set_controller_reference(child, owner);
  client().create(cms, child, ns());
  client().patch(cms, ns(), "pre-1", PatchType::kMerge, {{"data", {{"x", "y"}}}});
  client().remove(cms, ns(), "pre-2");

  ASSERT_TRUE(eventually([&] { return rec.saw("delete pre-2") && rec.saw("update pre-1"); }, 30s));
  EXPECT_TRUE(eventually(
      [&] {
        return inf.cache().by_controller(owner["metadata"]["uid"].get<std::string>()).size() == 1;
      },
      30s));
  EXPECT_EQ(inf.cache().get(ns(), "pre-2"), nullptr);
  EXPECT_EQ((*inf.cache().get(ns(), "pre-1"))["data"]["x"], "y");
  EXPECT_EQ(inf.cache().by_namespace(ns()).size(), inf.cache().size());
  EXPECT_TRUE(cache_matches_server(inf));

  // A late handler is caught up with an add per cached object.
  Recorder late;
  inf.add_handler(late.handler());
  EXPECT_EQ(late.count("add pre-1"), 1);
  EXPECT_EQ(late.count("add pre-2"), 0);
  inf.stop();
}

TEST_F(InformerTest, CustomIndex) {
  auto cms = resources::config_maps();
  Informer inf(shared_client(), cms, options());
  inf.add_index("by-model", [](const json& o) -> std::vector<std::string> {
    auto d = o.value("data", json::object());
    if (!d.contains("model")) return {};
    return {d["model"].get<std::string>()};
  });
  inf.start();
  ASSERT_TRUE(inf.wait_for_sync(60s));
  client().create(cms, config_map("a", {{"model", "iris"}}), ns());
  client().create(cms, config_map("b", {{"model", "iris"}}), ns());
  client().create(cms, config_map("c", {{"model", "mnist"}}), ns());
  EXPECT_TRUE(
      eventually([&] { return inf.cache().by_index("by-model", "iris").size() == 2; }, 30s));
  client().patch(cms, ns(), "b", PatchType::kMerge, {{"data", {{"model", "mnist"}}}});
  EXPECT_TRUE(eventually(
      [&] {
        return inf.cache().by_index("by-model", "iris").size() == 1 &&
               inf.cache().by_index("by-model", "mnist").size() == 2;
      },
      30s));
}

TEST_F(InformerTest, WatchSurvivesApiserverRestart) {
  auto cms = resources::config_maps();
  for (int i = 0; i < 5; ++i) client().create(cms, config_map("before-" + std::to_string(i)), ns());
  auto o = options();
  o.watch.backoff.initial = 200ms;  // keep the test short; the policy is unit-tested
  Informer inf(shared_client(), cms, o);
  Recorder rec;
  inf.add_handler(rec.handler());
  inf.start();
  ASSERT_TRUE(inf.wait_for_sync(60s));
  auto watches_before = inf.watches_started();

  restart_apiserver();
  if (HasFatalFailure()) return;

  client().create(cms, config_map("after"), ns());
  client().patch(cms, ns(), "before-0", PatchType::kMerge, {{"data", {{"changed", "1"}}}});
  client().remove(cms, ns(), "before-1");

  EXPECT_TRUE(eventually([&] { return rec.saw("add after") && rec.saw("delete before-1"); }, 90s));
  EXPECT_TRUE(cache_matches_server(inf));
  EXPECT_GT(inf.watches_started(), watches_before);  // it reconnected by itself
  EXPECT_EQ(rec.count("add after"), 1);
  std::cout << "lists applied: " << inf.lists_applied()
            << ", watches started: " << inf.watches_started() << "\n";
}

TEST_F(InformerTest, GoneAfterCompactionRelistsToExactlyTheServerState) {
  auto cms = resources::config_maps();
  for (int i = 0; i < 12; ++i) client().create(cms, config_map("obj-" + std::to_string(i)), ns());
  auto o = options();
  o.watch.backoff.initial = 200ms;
  Informer inf(shared_client(), cms, o);
  Recorder rec;
  inf.add_handler(rec.handler());
  inf.start();
  ASSERT_TRUE(inf.wait_for_sync(60s));
  ASSERT_TRUE(cache_matches_server(inf));
  inf.stop();  // the informer now holds a resourceVersion that is about to vanish
  const std::string old_rv = inf.resource_version();
  ASSERT_FALSE(old_rv.empty());

  // Changes the informer does not see while it is away.
  for (int i = 0; i < 3; ++i) client().create(cms, config_map("new-" + std::to_string(i)), ns());
  client().patch(cms, ns(), "obj-0", PatchType::kMerge, {{"data", {{"v", "2"}}}});
  client().remove(cms, ns(), "obj-1");
  client().remove(cms, ns(), "obj-2");
  compact_etcd();
  restart_apiserver();
  if (HasFatalFailure()) return;
  expect_watch_gone(old_rv);

  inf.start();  // resumes watching from its old resourceVersion → 410 → re-list
  ASSERT_TRUE(eventually([&] { return inf.lists_applied() == 2; }, 90s))
      << "no re-list; lists applied: " << inf.lists_applied();
  EXPECT_TRUE(cache_matches_server(inf));  // nothing missed, nothing duplicated
  EXPECT_EQ(inf.cache().size(), 13u);
  EXPECT_TRUE(eventually([&] { return rec.saw("delete obj-1") && rec.saw("delete obj-2"); }, 10s));
  EXPECT_EQ(rec.count("add new-0"), 1);
  EXPECT_EQ(rec.count("update obj-0"), 1);
  EXPECT_EQ(rec.count("add obj-3"), 1);  // only from the first list: unchanged objects are quiet

  // And it keeps watching after the re-list.
  client().create(cms, config_map("later"), ns());
  EXPECT_TRUE(eventually([&] { return rec.saw("add later"); }, 30s));
  inf.stop();
}

}  // namespace
}  // namespace kiln::kube::testing
