#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "scheduler/pod_request.hpp"

namespace kiln::scheduler {

inline constexpr int kMaxScore = 10;  // kube-scheduler's MaxExtenderPriority
inline constexpr int kNeutralScore = 0;

// A policy's answer for one (pod, node) pair.
struct Verdict {
  bool fits = true;
  // false: no amount of waiting or preemption helps (wrong product, no such
  // device): reported in FailedAndUnresolvableNodes rather than FailedNodes.
  bool resolvable = true;
  std::string reason;         // why it does not fit
  int score = kNeutralScore;  // 0..kMaxScore, meaningful when it fits

  static Verdict fit(int score) { return {true, true, {}, score}; }
  static Verdict busy(std::string why) { return {false, true, std::move(why), 0}; }
  static Verdict never(std::string why) { return {false, false, std::move(why), 0}; }
};

// The time-dependent input of the policies, passed in so they stay pure.
struct PolicyContext {
  std::chrono::steady_clock::time_point now{};
  // How long a node is still taken to hold a bitstream after the last pod
  // that used it finished or left.
  std::chrono::seconds bitstream_memory{3600};
};

// Bin-packing score from how many units a placement leaves free on the node:
// kMaxScore when it fills the node exactly, one less per stranded unit.
int packing_score(std::int64_t left_free);

// counts[name], 0 when absent.
std::int64_t count_of(const ResourceCounts& counts, std::string_view name);

}  // namespace kiln::scheduler
