// Owner references, finalizers and Events, checked against what the real
// garbage collector, API server and kubectl do with them.
#include <algorithm>
#include <chrono>
#include <map>
#include <thread>
#include <vector>

#include "operator/kube/event_recorder.hpp"
#include "operator/kube/finalizers.hpp"
#include "operator/kube/owner_references.hpp"
#include "tests/integration/kube/kube_cluster_test.hpp"

namespace kiln::kube::testing {
namespace {

using nlohmann::json;

class HelpersTest : public KubeClusterTest {};

TEST_F(HelpersTest, ControllerReferenceLetsGarbageCollectorDeleteChild) {
  auto cms = resources::config_maps();
  auto owner = client().create(cms, config_map("owner"), ns());
  json child = config_map("child");
  ASSERT_TRUE(set_controller_reference(child, owner));
  auto created = client().create(cms, child, ns());
  EXPECT_TRUE(is_controlled_by(created, owner));
  EXPECT_EQ(created["metadata"]["ownerReferences"][0]["blockOwnerDeletion"], true);

  client().remove(cms, ns(), "owner", {PropagationPolicy::kForeground, {}, "", ""});
  EXPECT_TRUE(eventually([&] {
    try {
      client().get(cms, ns(), "child");
      return false;
    } catch (const NotFoundError&) {
      return true;
    }
  })) << "child survived its owner";
}

TEST_F(HelpersTest, FinalizerHoldsDeletionUntilRemoved) {
  auto cms = resources::config_maps();
  json cm = config_map("guarded");
  add_finalizer(cm, "kiln.dev/cleanup");
  client().create(cms, cm, ns());
  client().remove(cms, ns(), "guarded");

  auto held = client().get(cms, ns(), "guarded");  // still there, marked for deletion
  EXPECT_TRUE(is_being_deleted(held));
  ASSERT_TRUE(remove_finalizer(held, "kiln.dev/cleanup"));
  client().update(cms, held);
  EXPECT_TRUE(eventually([&] {
    try {
      client().get(cms, ns(), "guarded");
      return false;
    } catch (const NotFoundError&) {
      return true;
    }
  }));
}

TEST_F(HelpersTest, EventRecorderWritesEventsAndSeries) {
  auto cm = client().create(resources::config_maps(), config_map("subject"), ns());
  EventRecorder recorder(shared_client(), "kiln.dev/operator", "test-instance");
  recorder.record(cm, EventType::kWarning, "ImageMissing", "Build", "image foo:1 not found");
  recorder.record(cm, EventType::kWarning, "ImageMissing", "Build", "image foo:1 not found");
  recorder.record(cm, EventType::kNormal, "Built", "Build", "image foo:2 pushed");
  recorder.flush();  // record() only queues

  auto events = client().list(resources::events(), ns())["items"];
  ASSERT_EQ(events.size(), 2u);  // the repeat became a series, not a third object
  json warning;
  for (const auto& e : events) {
    if (e["reason"] == "ImageMissing") warning = e;
  }
  ASSERT_FALSE(warning.is_null());
  EXPECT_EQ(warning["type"], "Warning");
  EXPECT_EQ(warning["regarding"]["uid"], cm["metadata"]["uid"]);
  EXPECT_EQ(warning["regarding"]["kind"], "ConfigMap");
  EXPECT_EQ(warning["reportingController"], "kiln.dev/operator");
  EXPECT_EQ(warning["series"]["count"], 2);
  // kubectl shows it among the object's events.
  auto described = kubectl({"describe", "configmap", "subject"});
  EXPECT_NE(described.output.find("ImageMissing"), std::string::npos) << described.output;
}

// A series ends when its window passes without a repeat: the next event is a
// new object. Events that differ in any part (here the note) never share one.
TEST_F(HelpersTest, EventSeriesEndsAfterItsWindowAndDifferentNotesDoNotMerge) {
  auto cm = client().create(resources::config_maps(), config_map("subject"), ns());
  EventRecorder recorder(shared_client(), "kiln.dev/operator", "test-instance");
  recorder.series_window = std::chrono::seconds(1);
  recorder.record(cm, EventType::kNormal, "Serving", "Rollout", "serving iris:1");
  recorder.record(cm, EventType::kNormal, "Serving", "Rollout", "serving iris:1");
  recorder.record(cm, EventType::kNormal, "Serving", "Rollout", "serving iris:2");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  recorder.record(cm, EventType::kNormal, "Serving", "Rollout", "serving iris:1");
  recorder.flush();

  const auto events = client().list(resources::events(), ns());
  std::map<std::string, std::vector<int>> counts_by_note;
  for (const auto& e : events["items"]) {
    counts_by_note[e.value("note", "")].push_back(
        e.contains("series") ? e["series"]["count"].get<int>() : 1);
  }
  for (auto& [note, counts] : counts_by_note) std::sort(counts.begin(), counts.end());
  EXPECT_EQ(counts_by_note["serving iris:1"], (std::vector<int>{1, 2}));
  EXPECT_EQ(counts_by_note["serving iris:2"], (std::vector<int>{1}));
}

// record() never waits for the API server: past `max_pending` queued events
// new ones are dropped and counted, and every event is either written or
// counted as dropped.
TEST_F(HelpersTest, EventsBeyondTheQueueBoundAreDroppedAndCounted) {
  auto cm = client().create(resources::config_maps(), config_map("subject"), ns());
  EventRecorder recorder(shared_client(), "kiln.dev/operator", "test-instance", /*max_pending=*/1);
  constexpr int kEvents = 50;
  for (int i = 0; i < kEvents; ++i) {
    recorder.record(cm, EventType::kNormal, "Step", "Test", "step " + std::to_string(i));
  }
  recorder.flush();
  const auto events = client().list(resources::events(), ns());
  EXPECT_GE(recorder.dropped(), 1u);
  EXPECT_EQ(events["items"].size() + recorder.dropped(), static_cast<std::size_t>(kEvents));
}

// Past the burst, events are written no faster than max_per_second: the
// writer waits (counted) and every event still lands.
TEST_F(HelpersTest, EventsPastTheBurstArePacedAndAllWritten) {
  auto cm = client().create(resources::config_maps(), config_map("subject"), ns());
  EventRecorder recorder(shared_client(), "kiln.dev/operator", "test-instance");
  recorder.max_per_second = 10;
  recorder.burst = 2;
  constexpr int kEvents = 7;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kEvents; ++i) {
    recorder.record(cm, EventType::kNormal, "Step", "Test", "step " + std::to_string(i));
  }
  recorder.flush();
  const auto took = std::chrono::steady_clock::now() - start;
  // Two from the burst, then five at 10 a second: at least 0.5 s less a token's rounding.
  EXPECT_GE(took, std::chrono::milliseconds(450));
  EXPECT_GE(recorder.throttled(), 5u);
  EXPECT_EQ(client().list(resources::events(), ns())["items"].size(),
            static_cast<std::size_t>(kEvents));
  EXPECT_EQ(recorder.dropped(), 0u);
}

}  // namespace
}  // namespace kiln::kube::testing
