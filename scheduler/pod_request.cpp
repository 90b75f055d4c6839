#include "scheduler/pod_request.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "scheduler/quantity.hpp"
#include "scheduler/resource_names.hpp"

namespace kiln::scheduler {
namespace {

const nlohmann::json* member(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// Accelerator requests of one container: requests, limits where a request is missing.
ResourceCounts container_requests(const nlohmann::json& container) {
  ResourceCounts out;
  const auto* resources = member(container, "resources");
  if (resources == nullptr) return out;
  for (const char* field : {"limits", "requests"}) {  // requests override limits
    const auto* values = member(*resources, field);
    if (values == nullptr || !values->is_object()) continue;
    for (const auto& [name, quantity] : values->items()) {
      if (!is_accelerator_resource(name)) continue;
      std::optional<std::int64_t> count;
      if (quantity.is_string()) count = parse_count(quantity.get_ref<const std::string&>());
      if (quantity.is_number_integer()) count = quantity.get<std::int64_t>();
      out[name] = count.value_or(0);
    }
  }
  return out;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    auto begin = current.find_first_not_of(" \t");
    auto end = current.find_last_not_of(" \t");
    if (begin != std::string::npos) out.push_back(current.substr(begin, end - begin + 1));
    current.clear();
  };
  for (char c : text) {
    if (c == ',') {
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return out;
}

}  // namespace

void PodRequest::set_resources(ResourceCounts counts) {
  std::erase_if(counts, [](const auto& entry) { return entry.second <= 0; });
  resources_ = std::move(counts);
  gpus_ = 0;
  mig_.clear();
  fpga_.clear();
  for (const auto& [name, count] : resources_) {
    if (name == kGpuResource) gpus_ = count;
    if (is_mig_resource(name)) mig_[name] = count;
    if (is_fpga_resource(name)) fpga_[name] = count;
  }
}

ResourceCounts accelerator_requests(const nlohmann::json& pod) {
  ResourceCounts total;
  const auto* spec = member(pod, "spec");
  if (spec == nullptr) return total;
  if (const auto* containers = member(*spec, "containers"); containers && containers->is_array()) {
    for (const auto& c : *containers) {
      for (const auto& [name, count] : container_requests(c)) total[name] += count;
    }
  }
  if (const auto* inits = member(*spec, "initContainers"); inits && inits->is_array()) {
    for (const auto& c : *inits) {
      for (const auto& [name, count] : container_requests(c)) {
        total[name] = std::max(total[name], count);
      }
    }
  }
  std::erase_if(total, [](const auto& entry) { return entry.second <= 0; });
  return total;
}

std::string to_lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string annotation(const nlohmann::json& object, std::string_view name) {
  const auto* metadata = member(object, "metadata");
  if (metadata == nullptr) return {};
  const auto* annotations = member(*metadata, "annotations");
  if (annotations == nullptr) return {};
  const auto* value = member(*annotations, name);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

PodRequest parse_pod_request(const nlohmann::json& pod) {
  PodRequest r;
  r.set_resources(accelerator_requests(pod));
  r.gpu_products = split_list(annotation(pod, kGpuProductAnnotation));
  for (const auto& p : r.gpu_products) r.gpu_products_lower.push_back(to_lower(p));
  if (auto text = annotation(pod, kGpuMemoryMinAnnotation); !text.empty()) {
    auto mb = parse_memory_mb(text);
    if (!mb) {
      throw std::invalid_argument("annotation " + std::string(kGpuMemoryMinAnnotation) + "=\"" +
                                  text + "\" is not a memory size (e.g. 16000, 16Gi)");
    }
    r.gpu_memory_min_mb = *mb;
  }
  r.fpga_bitstream = annotation(pod, kFpgaBitstreamAnnotation);
  return r;
}

}  // namespace kiln::scheduler
