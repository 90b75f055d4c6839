#include "reconcilers/inference_service/image_resolution.hpp"

#include <gtest/gtest.h>

#include "tests/unit/inference_service/fixtures.hpp"

namespace kiln::reconcilers::inference_service {
namespace {

using namespace kiln::testing::isvc;

TEST(ResolveImage, ReadyEnvironmentGivesItsDigest) {
  auto service = make_service({});
  auto r = resolve_image(service.spec, ready_environment(), "ns1");
  EXPECT_EQ(std::get<std::string>(r), kEnvImage);
}

TEST(ResolveImage, PrebuiltImageIsUsedAsGiven) {
  auto service = make_service({{"environmentRef", nullptr}, {"image", "reg.test/serve@sha256:ab"}});
  auto r = resolve_image(service.spec, std::nullopt, "ns1");
  EXPECT_EQ(std::get<std::string>(r), "reg.test/serve@sha256:ab");
}

TEST(ResolveImage, MissingEnvironment) {
  auto service = make_service({});
  auto p = std::get<Problem>(resolve_image(service.spec, std::nullopt, "ns1"));
  EXPECT_EQ(p.reason, "EnvironmentNotFound");
  EXPECT_NE(p.message.find("ns1/sklearn-env"), std::string::npos);
}

TEST(ResolveImage, FailedBuildQuotesTheBuildMessage) {
  auto env = ready_environment();
  env.status.phase = api::BuildPhase::failed;
  env.status.image.reset();
  env.status.conditions =
      nlohmann::json::array({{{"type", "Ready"},
                              {"status", "False"},
                              {"reason", "BuildFailed"},
                              {"message", "pip: no matching distribution for scikit-lern"}}});
  auto p = std::get<Problem>(resolve_image(make_service({}).spec, env, "ns1"));
  EXPECT_EQ(p.reason, "EnvironmentBuildFailed");
  EXPECT_NE(p.message.find("scikit-lern"), std::string::npos);
}

TEST(ResolveImage, BuildingEnvironmentWaits) {
  auto env = ready_environment();
  env.status.phase = api::BuildPhase::building;
  env.status.image.reset();
  env.status.conditions = nlohmann::json::array();
  auto p = std::get<Problem>(resolve_image(make_service({}).spec, env, "ns1"));
  EXPECT_EQ(p.reason, "EnvironmentBuilding");
}

TEST(ResolveImage, ImageWithoutDigestIsRefused) {
  auto env = ready_environment();
  env.status.image = "registry.kiln.test/environments/ns1/sklearn:latest";
  auto p = std::get<Problem>(resolve_image(make_service({}).spec, env, "ns1"));
  EXPECT_EQ(p.reason, "ImageNotPinned");
}

}  // namespace
}  // namespace kiln::reconcilers::inference_service
