#include "operator/manager/predicates.hpp"

#include <gtest/gtest.h>

namespace kiln::manager {
namespace {

using nlohmann::json;

json object(int generation, const json& labels = json::object(),
            const json& status = json::object()) {
  return {{"metadata", {{"name", "w"}, {"generation", generation}, {"labels", labels}}},
          {"status", status}};
}

TEST(Predicates, GenerationChangedIgnoresStatusOnlyUpdates) {
  auto p = generation_changed();
  std::vector<Predicate> ps{p};
  EXPECT_FALSE(passes_update(ps, object(1), object(1, {}, {{"ready", true}})));
  EXPECT_TRUE(passes_update(ps, object(1), object(2)));
  // Objects without a generation (most built-in kinds' metadata-only views) pass.
  EXPECT_TRUE(
      passes_update(ps, json{{"metadata", json::object()}}, json{{"metadata", json::object()}}));
  EXPECT_TRUE(passes_create(ps, object(1)));
  EXPECT_TRUE(passes_remove(ps, object(1)));
}

TEST(Predicates, LabelsChangedTreatsMissingAndEmptyAlike) {
  std::vector<Predicate> ps{labels_changed()};
  EXPECT_FALSE(passes_update(ps, object(1), object(2)));
  EXPECT_TRUE(passes_update(ps, object(1), object(1, {{"a", "b"}})));
  EXPECT_FALSE(passes_update(ps, json{{"metadata", json::object()}}, object(1)));
}

TEST(Predicates, AllMustPassAndAnyOfCombines) {
  std::vector<Predicate> both{generation_changed(), labels_changed()};
  EXPECT_FALSE(passes_update(both, object(1), object(2)));  // labels unchanged
  EXPECT_TRUE(passes_update(both, object(1), object(2, {{"a", "b"}})));
  std::vector<Predicate> either{any_of({generation_changed(), labels_changed()})};
  EXPECT_TRUE(passes_update(either, object(1), object(2)));
  EXPECT_TRUE(passes_update(either, object(1), object(1, {{"a", "b"}})));
  EXPECT_FALSE(passes_update(either, object(1), object(1, {}, {{"x", 1}})));
  EXPECT_TRUE(passes_update({}, object(1), object(1)));  // no predicates: everything passes
}

}  // namespace
}  // namespace kiln::manager
