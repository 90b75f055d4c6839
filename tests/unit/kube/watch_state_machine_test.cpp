#include "operator/kube/watch_state_machine.hpp"

#include <gtest/gtest.h>

namespace kiln::kube {
namespace {

using nlohmann::json;
using State = WatchStateMachine::State;
using Kind = WatchStateMachine::Step::Kind;

json obj(const std::string& name, const std::string& rv) {
  return {{"metadata", {{"name", name}, {"namespace", "ns"}, {"resourceVersion", rv}}}};
}

json page(std::vector<json> items, const std::string& rv, const std::string& cont = "") {
  json meta = {{"resourceVersion", rv}};
  if (!cont.empty()) meta["continue"] = cont;
  return {{"items", items}, {"metadata", meta}};
}

WatchEvent event(WatchEventType t, json o) {
  return {t, std::move(o)};
}

// Lists a single page and opens the watch.
void to_watching(WatchStateMachine& m, const std::string& rv = "100") {
  m.on_list_page(page({obj("a", "90")}, rv));
  m.on_watch_started();
}

TEST(WatchStateMachine, StartsByListingFromScratch) {
  WatchStateMachine m;
  EXPECT_EQ(m.state(), State::kEmpty);
  auto step = m.next_step();
  EXPECT_EQ(step.kind, Kind::kListPage);
  EXPECT_EQ(step.continue_token, "");
}

TEST(WatchStateMachine, PagedListEmitsOneRestartWithAllPages) {
  WatchStateMachine m;
  auto o1 = m.on_list_page(page({obj("a", "5"), obj("b", "6")}, "10", "tok1"));
  EXPECT_TRUE(o1.events.empty());  // nothing until the list is complete
  EXPECT_EQ(m.state(), State::kInitPage);
  EXPECT_EQ(m.next_step().kind, Kind::kListPage);
  EXPECT_EQ(m.next_step().continue_token, "tok1");

  auto o2 = m.on_list_page(page({obj("c", "7")}, "10"));
  EXPECT_EQ(m.state(), State::kInitListed);
  ASSERT_EQ(o2.events.size(), 1u);
  EXPECT_EQ(o2.events[0].type, WatcherEvent::Type::kRestarted);
  ASSERT_EQ(o2.events[0].objects.size(), 3u);
  EXPECT_EQ(o2.events[0].objects[2]["metadata"]["name"], "c");
  EXPECT_FALSE(o2.backoff);

  auto step = m.next_step();
  EXPECT_EQ(step.kind, Kind::kStartWatch);
  EXPECT_EQ(step.resource_version, "10");  // the list's RV, not an item's
}

TEST(WatchStateMachine, EventsAdvanceResourceVersion) {
  WatchStateMachine m;
  to_watching(m);
  EXPECT_EQ(m.state(), State::kWatching);
  auto added = m.on_watch_event(event(WatchEventType::kAdded, obj("b", "101")));
  ASSERT_EQ(added.events.size(), 1u);
  EXPECT_EQ(added.events[0].type, WatcherEvent::Type::kApplied);
  auto modified = m.on_watch_event(event(WatchEventType::kModified, obj("b", "102")));
  EXPECT_EQ(modified.events[0].type, WatcherEvent::Type::kApplied);
  auto deleted = m.on_watch_event(event(WatchEventType::kDeleted, obj("a", "103")));
  EXPECT_EQ(deleted.events[0].type, WatcherEvent::Type::kDeleted);
  EXPECT_EQ(deleted.events[0].object["metadata"]["name"], "a");
  EXPECT_EQ(m.resource_version(), "103");
}

TEST(WatchStateMachine, BookmarkRemembersResourceVersionSilently) {
  WatchStateMachine m;
  to_watching(m);
  auto out =
      m.on_watch_event(event(WatchEventType::kBookmark,
                             {{"kind", "ConfigMap"}, {"metadata", {{"resourceVersion", "555"}}}}));
  EXPECT_TRUE(out.events.empty());
  EXPECT_EQ(m.resource_version(), "555");
  m.on_watch_closed();
  EXPECT_EQ(m.next_step().resource_version, "555");
}

TEST(WatchStateMachine, ClosedStreamRewatchesFromLastVersion) {
  WatchStateMachine m;
  to_watching(m);
  m.on_watch_event(event(WatchEventType::kModified, obj("a", "120")));
  auto out = m.on_watch_closed();
  EXPECT_FALSE(out.backoff);
  EXPECT_TRUE(out.events.empty());
  EXPECT_EQ(m.state(), State::kInitListed);
  auto step = m.next_step();
  EXPECT_EQ(step.kind, Kind::kStartWatch);
  EXPECT_EQ(step.resource_version, "120");
}

TEST(WatchStateMachine, GoneErrorEventForcesRelist) {
  WatchStateMachine m;
  to_watching(m);
  auto out =
      m.on_watch_event(event(WatchEventType::kError, {{"kind", "Status"},
                                                      {"code", 410},
                                                      {"reason", "Expired"},
                                                      {"message", "too old resource version"}}));
  EXPECT_TRUE(out.events.empty());
  EXPECT_EQ(m.state(), State::kEmpty);
  EXPECT_EQ(m.resource_version(), "");
  EXPECT_EQ(m.next_step().kind, Kind::kListPage);
  EXPECT_EQ(m.next_step().continue_token, "");
}

TEST(WatchStateMachine, EventsAfterAnErrorAreIgnored) {
  WatchStateMachine m;
  to_watching(m);
  m.on_watch_event(event(WatchEventType::kError, {{"code", 410}}));
  auto late = m.on_watch_event(event(WatchEventType::kAdded, obj("z", "999")));
  EXPECT_TRUE(late.events.empty());
  EXPECT_EQ(m.resource_version(), "");
}

TEST(WatchStateMachine, OtherErrorEventRewatchesWithBackoff) {
  WatchStateMachine m;
  to_watching(m, "200");
  auto out =
      m.on_watch_event(event(WatchEventType::kError, {{"code", 500}, {"reason", "InternalError"}}));
  EXPECT_TRUE(out.backoff);
  EXPECT_EQ(m.state(), State::kInitListed);
  EXPECT_EQ(m.next_step().resource_version, "200");
}

TEST(WatchStateMachine, WatchRequestGoneForcesRelist) {
  WatchStateMachine m;
  m.on_list_page(page({}, "10"));
  auto out = m.on_watch_failed(410);
  EXPECT_FALSE(out.backoff);
  EXPECT_EQ(m.state(), State::kEmpty);
}

TEST(WatchStateMachine, TransportFailureKeepsVersionAndBacksOff) {
  WatchStateMachine m;
  to_watching(m, "300");
  auto out = m.on_watch_failed(0);
  EXPECT_TRUE(out.backoff);
  EXPECT_EQ(m.state(), State::kInitListed);
  EXPECT_EQ(m.next_step().resource_version, "300");
}

TEST(WatchStateMachine, ListFailureRetriesSamePageWithBackoff) {
  WatchStateMachine m;
  m.on_list_page(page({obj("a", "1")}, "10", "tok"));
  auto out = m.on_list_failed(500);
  EXPECT_TRUE(out.backoff);
  EXPECT_EQ(m.state(), State::kInitPage);
  EXPECT_EQ(m.next_step().continue_token, "tok");
}

TEST(WatchStateMachine, ExpiredContinueTokenRestartsListAndDropsPartialPages) {
  WatchStateMachine m;
  m.on_list_page(page({obj("a", "1")}, "10", "tok"));
  m.on_list_failed(410);
  EXPECT_EQ(m.state(), State::kEmpty);
  EXPECT_EQ(m.next_step().continue_token, "");
  auto out = m.on_list_page(page({obj("b", "2")}, "20"));
  ASSERT_EQ(out.events.size(), 1u);
  ASSERT_EQ(out.events[0].objects.size(), 1u);  // "a" from the abandoned list is gone
  EXPECT_EQ(out.events[0].objects[0]["metadata"]["name"], "b");
}

TEST(WatchStateMachine, RelistAfterGoneStartsAFreshRestart) {
  WatchStateMachine m;
  to_watching(m);
  m.on_watch_event(event(WatchEventType::kError, {{"code", 410}}));
  auto out = m.on_list_page(page({obj("x", "500")}, "501"));
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].type, WatcherEvent::Type::kRestarted);
  EXPECT_EQ(m.next_step().resource_version, "501");
}

TEST(WatchStateMachine, ListItemsGetTheListsApiVersionAndKind) {
  WatchStateMachine m;
  json p = page({obj("a", "5")}, "10");
  p["apiVersion"] = "apps/v1";
  p["kind"] = "DeploymentList";
  auto out = m.on_list_page(p);
  ASSERT_EQ(out.events.size(), 1u);
  const auto& item = out.events[0].objects.at(0);
  EXPECT_EQ(item["apiVersion"], "apps/v1");
  EXPECT_EQ(item["kind"], "Deployment");
}

TEST(WatchStateMachine, ListWithoutResourceVersionIsListedAgain) {
  WatchStateMachine m;
  auto out = m.on_list_page(page({obj("a", "5")}, ""));
  EXPECT_TRUE(out.events.empty());  // nothing to resume a watch from: not applied
  EXPECT_TRUE(out.backoff);
  EXPECT_FALSE(out.problem.empty());
  EXPECT_EQ(m.state(), State::kEmpty);
  EXPECT_EQ(m.next_step().kind, Kind::kListPage);
  EXPECT_TRUE(m.next_step().continue_token.empty());
}

TEST(WatchStateMachine, StateNames) {
  EXPECT_STREQ(to_string(State::kEmpty), "Empty");
  EXPECT_STREQ(to_string(State::kWatching), "Watching");
}

}  // namespace
}  // namespace kiln::kube
