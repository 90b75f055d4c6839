#include "reconcilers/inference_service/keys.hpp"

#include <gtest/gtest.h>

#include "reconcilers/inference_service/desired_state.hpp"
#include "reconcilers/inference_service/names.hpp"
#include "tests/unit/inference_service/fixtures.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

using nlohmann::json;
using namespace kiln::testing::isvc;

std::string key_in(const json& secret, const char* name) {
  return base64_decode(secret["data"][name].get<std::string>()).value();
}

KeysPlan plan(const api::InferenceService& service, const json& observed) {
  return plan_keys(service, owner_of(service), observed, {"new-primary", "new-secondary"});
}

TEST(Keys, GeneratedWhenTheSecretDoesNotExist) {
  auto service = make_service({{"target", "cluster"}});
  auto p = plan(service, nullptr);
  EXPECT_EQ(p.secret_name, "svc-keys");
  EXPECT_EQ(key_in(p.secret, "primaryKey"), "new-primary");
  EXPECT_EQ(key_in(p.secret, "secondaryKey"), "new-secondary");
  EXPECT_EQ(p.changes, std::vector<std::string>{"KeysGenerated"});
  EXPECT_EQ(p.secret["metadata"]["ownerReferences"][0]["controller"], true);
}

TEST(Keys, KeptWhenTheSecretHasThem) {
  auto service = make_service({{"target", "cluster"}});
  auto first = plan(service, nullptr);
  auto again = plan_keys(service, owner_of(service), first.secret, {"other-1", "other-2"});
  EXPECT_EQ(key_in(again.secret, "primaryKey"), "new-primary");
  EXPECT_EQ(key_in(again.secret, "secondaryKey"), "new-secondary");
  EXPECT_TRUE(again.changes.empty());
}

TEST(Keys, RotationAnnotationChangesExactlyThePrimaryKeyOnce) {
  auto service = make_service({{"target", "cluster"}});
  auto first = plan(service, nullptr);
  service.metadata["annotations"][kRotatePrimaryAnnotation] = "2026-11-21T21:00:00Z";
  auto rotated = plan_keys(service, owner_of(service), first.secret, {"rot-1", "rot-2"});
  EXPECT_EQ(key_in(rotated.secret, "primaryKey"), "rot-1");
  EXPECT_EQ(key_in(rotated.secret, "secondaryKey"), "new-secondary");
  EXPECT_EQ(rotated.primary_rotated_at, "2026-11-21T21:00:00Z");
  EXPECT_EQ(rotated.secret["metadata"]["annotations"][kPrimaryRotatedAnnotation],
            "2026-11-21T21:00:00Z");
  EXPECT_EQ(rotated.changes, std::vector<std::string>{"PrimaryKeyRotated"});
  // The same annotation again (a later reconcile) rotates nothing.
  auto later = plan_keys(service, owner_of(service), rotated.secret, {"x", "y"});
  EXPECT_EQ(key_in(later.secret, "primaryKey"), "rot-1");
  EXPECT_TRUE(later.changes.empty());
  // A newer time rotates again; an older one does not.
  service.metadata["annotations"][kRotatePrimaryAnnotation] = "2026-11-21T20:00:00Z";
  EXPECT_EQ(key_in(plan_keys(service, owner_of(service), rotated.secret, {"x", "y"}).secret,
                   "primaryKey"),
            "rot-1");
  service.metadata["annotations"][kRotatePrimaryAnnotation] = "2026-11-21T22:00:00Z";
  EXPECT_EQ(key_in(plan_keys(service, owner_of(service), rotated.secret, {"x", "y"}).secret,
                   "primaryKey"),
            "x");
}

TEST(Keys, SecondaryRotationLeavesThePrimary) {
  auto service = make_service({{"target", "cluster"}});
  auto first = plan(service, nullptr);
  service.metadata["annotations"][kRotateSecondaryAnnotation] = "2026-11-21T21:00:00+01:00";
  auto rotated = plan_keys(service, owner_of(service), first.secret, {"rot-1", "rot-2"});
  EXPECT_EQ(key_in(rotated.secret, "primaryKey"), "new-primary");
  EXPECT_EQ(key_in(rotated.secret, "secondaryKey"), "rot-2");
  EXPECT_EQ(rotated.secondary_rotated_at, "2026-11-21T21:00:00+01:00");
}

TEST(Keys, MalformedAnnotationWarnsAndRotatesNothing) {
  auto service = make_service({{"target", "cluster"}});
  auto first = plan(service, nullptr);
  service.metadata["annotations"][kRotatePrimaryAnnotation] = "yesterday";
  auto p = plan_keys(service, owner_of(service), first.secret, {"rot-1", "rot-2"});
  EXPECT_EQ(key_in(p.secret, "primaryKey"), "new-primary");
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_NE(p.warnings[0].find("RFC 3339"), std::string::npos);
  EXPECT_EQ(p.warnings[0].find("new-primary"), std::string::npos);
}

TEST(Keys, AuthOffByDefaultForDevAndNoSecret) {
  auto p = plan(make_service({{"target", "dev"}}), nullptr);
  EXPECT_TRUE(p.secret.is_null());
  EXPECT_EQ(p.secret_name, "");
}

TEST(Keys, UserSecretIsMountedNotWritten) {
  const json mine = {{"data",
                      {{"primaryKey", base64_encode("user-primary")},
                       {"secondaryKey", base64_encode("user-secondary")}}}};
  auto p = plan(
      make_service({{"auth", {{"enabled", true}, {"keysSecretRef", {{"name", "mine"}}}}}}), mine);
  EXPECT_TRUE(p.secret.is_null());
  EXPECT_EQ(p.secret_name, "mine");
  EXPECT_FALSE(p.problem);
  EXPECT_TRUE(p.changes.empty());
}

TEST(Keys, MissingOrIncompleteUserSecretIsAProblem) {
  const auto service =
      make_service({{"auth", {{"enabled", true}, {"keysSecretRef", {{"name", "mine"}}}}}});
  auto p = plan(service, nullptr);
  ASSERT_TRUE(p.problem);
  EXPECT_EQ(p.problem->reason, "KeysSecretNotFound");
  EXPECT_NE(p.problem->message.find("Secret ns1/mine"), std::string::npos) << p.problem->message;
  p = plan(service, json{{"data", {{"primaryKey", base64_encode("only-one")}}}});
  ASSERT_TRUE(p.problem);
  EXPECT_EQ(p.problem->reason, "KeysSecretIncomplete");
  EXPECT_EQ(p.problem->message.find("only-one"), std::string::npos) << "a key in a message";
}

TEST(Base64, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
    bytes += static_cast<char>(i * 37);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_FALSE(base64_decode("Zm9").has_value());
  EXPECT_FALSE(base64_decode("Zm!=").has_value());
}

}  // namespace
}  // namespace kiln::reconcilers::inference_service
