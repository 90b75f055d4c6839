#include "operator/kube/event_recorder.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace kiln::kube {
namespace {

TEST(EventRecorder, MicroTimeIsRfc3339WithMicroseconds) {
  EXPECT_TRUE(std::regex_match(micro_time_now(),
                               std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)")))
      << micro_time_now();
}

}  // namespace
}  // namespace kiln::kube
