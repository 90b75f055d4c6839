#include "reconcilers/inference_service/model_resolution.hpp"

#include <gtest/gtest.h>

#include "tests/unit/inference_service/fixtures.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

using namespace kiln::testing::isvc;

TEST(ResolveModels, FollowsTheLatestVersionWhenUnpinned) {
  ModelsByName models = {{"m", make_model("m", 3)}};
  auto r = resolve_models({{"m", std::nullopt}}, models, "ns1");
  auto& resolved = std::get<std::vector<ResolvedModel>>(r);
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].version, 3);
  EXPECT_EQ(resolved[0].digest, digest_of('3'));
  EXPECT_EQ(resolved[0].image, "registry.kiln.test/models/ns1/m@" + digest_of('3'));
}

TEST(ResolveModels, PinnedVersionUsesThatVersionsImage) {
  ModelsByName models = {{"m", make_model("m", 3)}};
  auto r = resolve_models({{"m", 2}}, models, "ns1");
  auto& resolved = std::get<std::vector<ResolvedModel>>(r);
  EXPECT_EQ(resolved[0].version, 2);
  EXPECT_EQ(resolved[0].image, "registry.kiln.test/models/ns1/m@" + digest_of('2'));
}

TEST(ResolveModels, MissingModelSaysWhatToCreate) {
  auto r = resolve_models({{"absent", std::nullopt}}, {}, "ns1");
  auto& p = std::get<Problem>(r);
  EXPECT_EQ(p.reason, "ModelNotFound");
  EXPECT_NE(p.message.find("ns1/absent"), std::string::npos);
}

TEST(ResolveModels, UnregisteredModelQuotesItsReadyMessage) {
  api::Model m = make_model("m", 1);
  m.status = {};
  m.status.conditions = nlohmann::json::array({{{"type", "Ready"},
                                                {"status", "False"},
                                                {"reason", "SourceNotFound"},
                                                {"message", "the source answered 404"}}});
  auto r = resolve_models({{"m", std::nullopt}}, {{"m", m}}, "ns1");
  auto& p = std::get<Problem>(r);
  EXPECT_EQ(p.reason, "ModelNotRegistered");
  EXPECT_NE(p.message.find("the source answered 404"), std::string::npos);
}

TEST(ResolveModels, UnknownPinnedVersionListsTheKnownOnes) {
  ModelsByName models = {{"m", make_model("m", 2)}};
  auto r = resolve_models({{"m", 7}}, models, "ns1");
  auto& p = std::get<Problem>(r);
  EXPECT_EQ(p.reason, "ModelVersionNotFound");
  EXPECT_NE(p.message.find("known: 2, 1"), std::string::npos);
}

TEST(ResolveModels, ImageWithTagIsPinnedToTheDigest) {
  api::Model m = make_model("m", 1);
  m.status.image = "registry.kiln.test:5000/models/ns1/m:v1";
  auto r = resolve_models({{"m", std::nullopt}}, {{"m", m}}, "ns1");
  auto& resolved = std::get<std::vector<ResolvedModel>>(r);
  EXPECT_EQ(resolved[0].image, "registry.kiln.test:5000/models/ns1/m@" + digest_of('1'));
}

}  // namespace
}  // namespace kiln::reconcilers::inference_service
