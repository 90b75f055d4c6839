#include "operator/runtime/conditions.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace kiln::runtime {
namespace {

using namespace std::chrono;
using nlohmann::json;

const system_clock::time_point t0 = sys_days{year{2026} / 11 / 21} + hours(4) + minutes(30);

TEST(Conditions, AddsANewConditionWithAllFields) {
  json status;
  EXPECT_TRUE(set_condition(status, {"Ready", "False", "ImageBuilding", "building", 3}, t0));
  EXPECT_EQ(status, json::parse(R"({"conditions":[{"type":"Ready","status":"False",
      "reason":"ImageBuilding","message":"building","lastTransitionTime":"2026-11-21T04:30:00Z",
      "observedGeneration":3}]})"));
}

TEST(Conditions, TransitionTimeChangesOnlyWhenStatusChanges) {
  json status;
  set_condition(status, {"Ready", "False", "ImageBuilding", "building", 1}, t0);
  // Same status, new reason and generation: updated, but the transition time stays.
  EXPECT_TRUE(
      set_condition(status, {"Ready", "False", "ImagePushing", "pushing", 2}, t0 + minutes(1)));
  const json* c = find_condition(status, "Ready");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ((*c)["reason"], "ImagePushing");
  EXPECT_EQ((*c)["message"], "pushing");
  EXPECT_EQ((*c)["observedGeneration"], 2);
  EXPECT_EQ((*c)["lastTransitionTime"], "2026-11-21T04:30:00Z");
  EXPECT_FALSE(is_condition_true(status, "Ready"));

  EXPECT_TRUE(set_condition(status, {"Ready", "True", "Serving", "", 2}, t0 + minutes(2)));
  c = find_condition(status, "Ready");
  EXPECT_EQ((*c)["lastTransitionTime"], "2026-11-21T04:32:00Z");
  EXPECT_TRUE(is_condition_true(status, "Ready"));
}

TEST(Conditions, SettingTheSameConditionAgainReportsNoChange) {
  json status;
  const Condition ready{"Ready", "True", "Serving", "ok", 4};
  set_condition(status, ready, t0);
  const json before = status;
  EXPECT_FALSE(set_condition(status, ready, t0 + hours(1)));
  EXPECT_EQ(status, before);
}

TEST(Conditions, KeepsOtherConditionsAndFieldsAndRemoves) {
  json status = {{"phase", "Running"}};
  set_condition(status, {"Ready", "True", "Serving", "", std::nullopt}, t0);
  set_condition(status, {"Degraded", "False", "AllReplicasUp", "", std::nullopt}, t0);
  EXPECT_EQ(status["phase"], "Running");
  EXPECT_EQ(status["conditions"].size(), 2u);
  EXPECT_FALSE(status["conditions"][0].contains("observedGeneration"));
  EXPECT_TRUE(remove_condition(status, "Ready"));
  EXPECT_FALSE(remove_condition(status, "Ready"));
  EXPECT_EQ(find_condition(status, "Ready"), nullptr);
  EXPECT_NE(find_condition(status, "Degraded"), nullptr);
}

TEST(Conditions, RejectsInvalidStatusAndReason) {
  json status;
  EXPECT_THROW(set_condition(status, {"Ready", "true", "Serving", "", {}}, t0),
               std::invalid_argument);
  EXPECT_THROW(set_condition(status, {"Ready", "True", "", "", {}}, t0), std::invalid_argument);
  EXPECT_THROW(set_condition(status, {"Ready", "True", "has space", "", {}}, t0),
               std::invalid_argument);
  EXPECT_THROW(set_condition(status, {"Ready", "True", "Trailing,", "", {}}, t0),
               std::invalid_argument);
  EXPECT_THROW(set_condition(status, {"", "True", "Ok", "", {}}, t0), std::invalid_argument);
  EXPECT_NO_THROW(set_condition(status, {"Ready", "Unknown", "Pending_1:a,b", "", {}}, t0));
}

TEST(Conditions, ToleratesMissingOrMalformedStatus) {
  json status = nullptr;
  EXPECT_EQ(find_condition(status, "Ready"), nullptr);
  EXPECT_FALSE(is_condition_true(json{{"conditions", "oops"}}, "Ready"));
  set_condition(status, {"Ready", "True", "Ok", "", {}}, t0);
  EXPECT_TRUE(is_condition_true(status, "Ready"));
}

}  // namespace
}  // namespace kiln::runtime
