// The base image is resolved once per generation; a retag upstream changes nothing,
// a spec change or the re-resolve annotation does.

#include "reconcilers/environment/base_image_pin.hpp"

#include <gtest/gtest.h>

namespace kiln::reconcilers::environment {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'd');

nlohmann::json metadata(std::int64_t generation,
                        nlohmann::json annotations = nlohmann::json::object()) {
  return {{"name", "env"}, {"generation", generation}, {"annotations", annotations}};
}

TEST(BaseImagePin, RoundTripsThroughAnnotations) {
  BaseImagePin pin{"python:3.11-slim", kDigest, 3, "t1"};
  auto meta = metadata(3, pin_annotations(pin));
  EXPECT_EQ(read_pin(meta), pin);
  EXPECT_EQ(pin.pinned_reference(), "python@" + kDigest);
  EXPECT_EQ((BaseImagePin{"localhost:5000/a/b:1", kDigest, 1, ""}).pinned_reference(),
            "localhost:5000/a/b@" + kDigest);
  EXPECT_EQ((BaseImagePin{"localhost:5000/a/b", kDigest, 1, ""}).pinned_reference(),
            "localhost:5000/a/b@" + kDigest);
}

TEST(BaseImagePin, ResolvesOncePerGeneration) {
  EXPECT_TRUE(needs_resolve(std::nullopt, "python:3.11", metadata(1)));
  BaseImagePin pin{"python:3.11", kDigest, 1, ""};
  EXPECT_FALSE(needs_resolve(pin, "python:3.11", metadata(1, pin_annotations(pin))))
      << "same generation: the recorded digest stands, whatever the tag points at now";
  EXPECT_TRUE(needs_resolve(pin, "python:3.11", metadata(2))) << "the spec changed";
  EXPECT_TRUE(needs_resolve(pin, "python:3.12", metadata(1))) << "another base image";
}

TEST(BaseImagePin, TheAnnotationForcesAReResolveOnce) {
  BaseImagePin pin{"python:3.11", kDigest, 1, ""};
  auto meta = metadata(1, {{kReResolveAnnotation, "1700000000"}});
  EXPECT_TRUE(needs_resolve(pin, "python:3.11", meta));
  pin.token = "1700000000";
  EXPECT_FALSE(needs_resolve(pin, "python:3.11", meta)) << "resolved for this token already";
}

TEST(BaseImagePin, IncompleteOrMalformedRecordsAreIgnored) {
  EXPECT_EQ(read_pin(metadata(1)), std::nullopt);
  EXPECT_EQ(read_pin(metadata(1, {{kPinnedBaseAnnotation, "python@" + kDigest}})), std::nullopt);
  EXPECT_EQ(read_pin(metadata(
                1, {{kPinnedBaseAnnotation, "python@md5:x"}, {kPinnedGenerationAnnotation, "1"}})),
            std::nullopt);
  EXPECT_EQ(read_pin(metadata(1, {{kPinnedBaseAnnotation, "python@" + kDigest},
                                  {kPinnedGenerationAnnotation, "1x"}})),
            std::nullopt);
}

}  // namespace
}  // namespace kiln::reconcilers::environment
