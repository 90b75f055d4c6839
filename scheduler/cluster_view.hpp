#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "scheduler/node_info.hpp"
#include "scheduler/node_usage.hpp"

namespace kiln::scheduler {

// The extender's picture of the cluster: each node digested into NodeInfo, and
// what the pods bound to it use (NodeUsage), kept in step by the Node and Pod
// informers' event handlers. Lookups by node name are O(1) and decode
// nothing, so a filter over thousands of nodes stays in the microseconds per
// node. Thread-safe: informer threads write, request handlers read.
class ClusterView {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  explicit ClusterView(Clock clock = [] { return std::chrono::steady_clock::now(); });

  void upsert_node(const nlohmann::json& node);
  void remove_node(const nlohmann::json& node);
  void upsert_pod(const nlohmann::json& pod);
  void remove_pod(const nlohmann::json& pod);

  // Calls visit(name, node, usage) for each name under one read lock; node is
  // null for a name the view does not know. usage is never null.
  using Visitor =
      std::function<void(const std::string& name, const NodeInfo* node, const NodeUsage& usage)>;
  void visit(const std::vector<std::string>& names, const Visitor& visit) const;

  std::size_t node_count() const;
  std::size_t pod_count() const;  // pods bound to a node, terminal ones included
  std::chrono::steady_clock::time_point now() const { return clock_(); }

 private:
  // What the view remembers of a bound pod, to undo its effect when it changes.
  struct PodRecord {
    std::string node;
    ResourceCounts requests;
    std::string bitstream;
    bool active = false;  // not Succeeded/Failed: its requests count
  };
  void add_locked(const PodRecord& pod);
  void subtract_locked(const PodRecord& pod);

  // One entry per node name, so a lookup is one hash: the node (once its
  // object has been seen) and its usage (which may precede it).
  struct NodeEntry {
    bool known = false;
    NodeInfo info;
    NodeUsage usage;
  };
  void erase_if_unused_locked(std::unordered_map<std::string, NodeEntry>::iterator it);

  Clock clock_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, NodeEntry> nodes_;
  std::size_t known_nodes_ = 0;
  std::unordered_map<std::string, PodRecord> pods_;  // by namespace/name
};

// Keeps only what the extender reads from a Pod (metadata names and
// annotations, spec.nodeName, container resources, status.phase): the
// informer's transform, so thousands of pods cost little memory.
void trim_pod_for_view(nlohmann::json& pod);

}  // namespace kiln::scheduler
