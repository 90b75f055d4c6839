#pragma once

#include <chrono>
#include <map>
#include <string>

#include "scheduler/pod_request.hpp"

namespace kiln::scheduler {

// Where a bitstream was seen on a node, from the extender's pod cache.
struct BitstreamSighting {
  int active_pods = 0;                                // pods with it, bound here and not finished
  std::chrono::steady_clock::time_point last_seen{};  // when the last such pod finished or left
};

// What the pods bound to a node take from it, kept up to date by ClusterView.
struct NodeUsage {
  ResourceCounts used;  // accelerator requests of non-terminal pods on the node
  std::map<std::string, BitstreamSighting, std::less<>> bitstreams;
};

}  // namespace kiln::scheduler
