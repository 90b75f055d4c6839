#include "scheduler/node_info.hpp"

#include "scheduler/pod_request.hpp"
#include "scheduler/quantity.hpp"
#include "scheduler/resource_names.hpp"

namespace kiln::scheduler {
namespace {

std::string string_at(const nlohmann::json& object, const nlohmann::json::json_pointer& ptr) {
  if (!object.contains(ptr)) return {};
  const auto& v = object.at(ptr);
  return v.is_string() ? v.get<std::string>() : std::string();
}

}  // namespace

NodeInfo parse_node_info(const nlohmann::json& node) {
  NodeInfo info;
  info.name = string_at(node, nlohmann::json::json_pointer("/metadata/name"));
  const nlohmann::json::json_pointer alloc("/status/allocatable");
  if (node.contains(alloc) && node.at(alloc).is_object()) {
    for (const auto& [name, quantity] : node.at(alloc).items()) {
      if (!is_accelerator_resource(name) || !quantity.is_string()) continue;
      auto count = parse_count(quantity.get_ref<const std::string&>());
      if (count && *count > 0) info.allocatable[name] = *count;
    }
  }
  const nlohmann::json::json_pointer labels("/metadata/labels");
  if (node.contains(labels) && node.at(labels).is_object()) {
    const auto& l = node.at(labels);
    if (auto it = l.find(kGpuProductLabel); it != l.end() && it->is_string()) {
      info.gpu_product = it->get<std::string>();
      info.gpu_product_lower = to_lower(info.gpu_product);
    }
    if (auto it = l.find(kGpuMemoryLabel); it != l.end() && it->is_string()) {
      info.gpu_memory_mb = parse_count(it->get_ref<const std::string&>()).value_or(0);
    }
  }
  std::string loaded = annotation(node, kNodeBitstreamsAnnotation);
  std::string current;
  for (char c : loaded + ",") {
    if (c == ',' || c == ' ') {
      if (!current.empty()) info.loaded_bitstreams.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  return info;
}

}  // namespace kiln::scheduler
