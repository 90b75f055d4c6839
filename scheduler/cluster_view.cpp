#include "scheduler/cluster_view.hpp"

#include <mutex>

namespace kiln::scheduler {
namespace {

std::string string_field(const nlohmann::json& object, const char* a, const char* b) {
  auto it = object.find(a);
  if (it == object.end() || !it->is_object()) return {};
  auto jt = it->find(b);
  return jt != it->end() && jt->is_string() ? jt->get<std::string>() : std::string();
}

std::string pod_key(const nlohmann::json& pod) {
  return string_field(pod, "metadata", "namespace") + "/" + string_field(pod, "metadata", "name");
}

const NodeUsage kNoUsage;

}  // namespace

ClusterView::ClusterView(Clock clock) : clock_(std::move(clock)) {}

void ClusterView::upsert_node(const nlohmann::json& node) {
  NodeInfo info = parse_node_info(node);
  if (info.name.empty()) return;
  std::unique_lock lock(mu_);
  auto& entry = nodes_[info.name];
  if (!entry.known) ++known_nodes_;
  entry.known = true;
  entry.info = std::move(info);
}

void ClusterView::erase_if_unused_locked(std::unordered_map<std::string, NodeEntry>::iterator it) {
  const auto& e = it->second;
  if (!e.known && e.usage.used.empty() && e.usage.bitstreams.empty()) nodes_.erase(it);
}

void ClusterView::remove_node(const nlohmann::json& node) {
  std::string name = string_field(node, "metadata", "name");
  std::unique_lock lock(mu_);
  auto it = nodes_.find(name);
  if (it == nodes_.end() || !it->second.known) return;
  it->second.known = false;
  it->second.info = NodeInfo{};
  --known_nodes_;
  erase_if_unused_locked(it);
}

void ClusterView::add_locked(const PodRecord& pod) {
  auto& usage = nodes_[pod.node].usage;
  if (pod.active) {
    for (const auto& [name, count] : pod.requests) usage.used[name] += count;
  }
  if (!pod.bitstream.empty()) {
    auto& seen = usage.bitstreams[pod.bitstream];
    if (pod.active) {
      ++seen.active_pods;
    } else {
      seen.last_seen = clock_();
    }
  }
}

void ClusterView::subtract_locked(const PodRecord& pod) {
  auto it = nodes_.find(pod.node);
  if (it == nodes_.end()) return;
  auto& usage = it->second.usage;
  if (pod.active) {
    for (const auto& [name, count] : pod.requests) {
      if ((usage.used[name] -= count) <= 0) usage.used.erase(name);
    }
  }
  if (!pod.bitstream.empty()) {
    auto& seen = usage.bitstreams[pod.bitstream];
    if (pod.active) --seen.active_pods;
    // Leaving (finishing, deletion) is the last moment it was seen there.
    seen.last_seen = clock_();
  }
}

void ClusterView::upsert_pod(const nlohmann::json& pod) {
  PodRecord record;
  const std::string key = pod_key(pod);
  record.node = string_field(pod, "spec", "nodeName");
  if (!record.node.empty()) {
    record.requests = accelerator_requests(pod);
    record.bitstream = annotation(pod, "kiln.dev/fpga-bitstream");
    const std::string phase = string_field(pod, "status", "phase");
    record.active = phase != "Succeeded" && phase != "Failed";
  }
  std::unique_lock lock(mu_);
  auto it = pods_.find(key);
  if (it != pods_.end()) {
    subtract_locked(it->second);
    if (record.node.empty()) {
      pods_.erase(it);
      return;
    }
    it->second = std::move(record);
    add_locked(it->second);
  } else if (!record.node.empty()) {
    add_locked(pods_.emplace(key, std::move(record)).first->second);
  }
}

void ClusterView::remove_pod(const nlohmann::json& pod) {
  const std::string key = pod_key(pod);
  std::unique_lock lock(mu_);
  auto it = pods_.find(key);
  if (it == pods_.end()) return;
  subtract_locked(it->second);
  pods_.erase(it);
}

void ClusterView::visit(const std::vector<std::string>& names, const Visitor& visit) const {
  std::shared_lock lock(mu_);
  for (const auto& name : names) {
    auto it = nodes_.find(name);
    if (it == nodes_.end()) {
      visit(name, nullptr, kNoUsage);
    } else {
      visit(name, it->second.known ? &it->second.info : nullptr, it->second.usage);
    }
  }
}

std::size_t ClusterView::node_count() const {
  std::shared_lock lock(mu_);
  return known_nodes_;
}

std::size_t ClusterView::pod_count() const {
  std::shared_lock lock(mu_);
  return pods_.size();
}

void trim_pod_for_view(nlohmann::json& pod) {
  nlohmann::json out = nlohmann::json::object();
  for (const char* key : {"apiVersion", "kind"}) {
    if (pod.contains(key)) out[key] = pod[key];
  }
  if (auto m = pod.find("metadata"); m != pod.end() && m->is_object()) {
    for (const char* key : {"name", "namespace", "uid", "resourceVersion", "annotations"}) {
      if (m->contains(key)) out["metadata"][key] = (*m)[key];
    }
  }
  if (auto s = pod.find("spec"); s != pod.end() && s->is_object()) {
    if (s->contains("nodeName")) out["spec"]["nodeName"] = (*s)["nodeName"];
    for (const char* list : {"containers", "initContainers"}) {
      auto c = s->find(list);
      if (c == s->end() || !c->is_array()) continue;
      auto& trimmed = out["spec"][list] = nlohmann::json::array();
      for (const auto& container : *c) {
        nlohmann::json t = nlohmann::json::object();
        if (container.is_object() && container.contains("resources")) {
          t["resources"] = container["resources"];
        }
        trimmed.push_back(std::move(t));
      }
    }
  }
  if (auto st = pod.find("status"); st != pod.end() && st->is_object() && st->contains("phase")) {
    out["status"]["phase"] = (*st)["phase"];
  }
  pod = std::move(out);
}

}  // namespace kiln::scheduler
