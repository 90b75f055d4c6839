#include "operator/kube/event_recorder.hpp"

#include <gtest/gtest.h>

#include <cctype>

namespace kiln::kube {
namespace {

// metav1.MicroTime: 2026-11-21T04:45:19.123456Z (checked without std::regex,
// which trips a GCC 12 false positive under the sanitizers).
bool is_micro_time(const std::string& s) {
  const std::string shape = "dddd-dd-ddTdd:dd:dd.ddddddZ";
  if (s.size() != shape.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool ok =
        shape[i] == 'd' ? std::isdigit(static_cast<unsigned char>(s[i])) != 0 : s[i] == shape[i];
    if (!ok) return false;
  }
  return true;
}

TEST(EventRecorder, MicroTimeIsRfc3339WithMicroseconds) {
  auto t = micro_time_now();
  EXPECT_TRUE(is_micro_time(t)) << t;
  EXPECT_FALSE(is_micro_time("2026-11-21T04:45:19Z"));
}

}  // namespace
}  // namespace kiln::kube
