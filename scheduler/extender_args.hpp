#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::scheduler {

// A request kube-scheduler should never send: the message says what is wrong.
class MalformedArgs : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ExtenderArgs: {"Pod": {...}, "NodeNames": [...]} from a nodeCacheCapable
// scheduler, or {"Pod": {...}, "Nodes": {"items": [...]}} otherwise.
struct ExtenderArgs {
  nlohmann::json pod;
  std::vector<std::string> node_names;
  // Set when the request carried whole Node objects (not nodeCacheCapable):
  // the filter result then answers with Nodes, not NodeNames.
  nlohmann::json nodes;  // the items array, or null
};

// Parses and validates; throws MalformedArgs (empty body, not JSON, not an
// object, Pod missing or not an object, NodeNames not a list of strings, no
// node list at all, a Node without a name).
ExtenderArgs parse_extender_args(std::string_view body);

// "namespace/name" of the pod for log lines and errors; "<unnamed pod>" if absent.
std::string pod_display_name(const nlohmann::json& pod);

}  // namespace kiln::scheduler
