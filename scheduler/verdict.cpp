#include "scheduler/verdict.hpp"

namespace kiln::scheduler {

int packing_score(std::int64_t left_free) {
  if (left_free <= 0) return kMaxScore;
  return left_free >= kMaxScore ? 0 : kMaxScore - static_cast<int>(left_free);
}

std::int64_t count_of(const ResourceCounts& counts, std::string_view name) {
  auto it = counts.find(name);
  return it == counts.end() ? 0 : it->second;
}

}  // namespace kiln::scheduler
