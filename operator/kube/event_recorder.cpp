#include "operator/kube/event_recorder.hpp"

#include <spdlog/spdlog.h>

#include <ctime>

#include "operator/kube/api_time.hpp"
#include "operator/kube/resource_ref.hpp"

namespace kiln::kube {

namespace {

// <object>.<hex nanoseconds>, as client-go names events (generateName would
// reject the trailing dot).
std::string event_name(const std::string& object_name) {
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  char hex[32];
  std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(nanos));
  return object_name + "." + hex;
}

// What makes two events the same series, hashed: the parts joined with a byte
// none of them holds.
std::uint64_t series_key(std::string_view uid, std::string_view reason, std::string_view action,
                         std::string_view type, std::string_view note) {
  std::string joined;
  joined.reserve(uid.size() + reason.size() + action.size() + type.size() + note.size() + 4);
  for (auto part : {uid, reason, action, type, note}) joined.append(part).push_back('\0');
  return std::hash<std::string>{}(joined);
}

}  // namespace

EventRecorder::EventRecorder(std::shared_ptr<RestClient> client, std::string reporting_controller,
                             std::string reporting_instance)
    : client_(std::move(client)),
      controller_(std::move(reporting_controller)),
      instance_(std::move(reporting_instance)) {}

nlohmann::json EventRecorder::record(const nlohmann::json& regarding, EventType type,
                                     const std::string& reason, const std::string& action,
                                     const std::string& note_in) {
  const auto& m = regarding.at("metadata");
  std::string obj_ns = m.value("namespace", "");
  std::string ns = obj_ns.empty() ? "default" : obj_ns;
  std::string note = note_in.substr(0, 1024);
  const char* type_name = type == EventType::kWarning ? "Warning" : "Normal";
  const auto key = series_key(m.value("uid", ""), reason, action, type_name, note);
  const auto now = Clock::now();
  try {
    std::unique_lock lock(mu_);
    auto it = seen_.find(key);
    if (it != seen_.end() && now - it->second.last < series_window) {
      Seen& s = it->second;
      s.count += 1;
      s.last = now;
      recorded_.emplace_back(now, key);
      forget_old_locked(now);
      nlohmann::json patch = {
          {"series",
           {{"count", s.count},
            {"lastObservedTime", format_api_micro_time(std::chrono::system_clock::now())}}}};
      std::string ev_ns = s.ns, ev_name = s.name;
      lock.unlock();
      return client_->patch(resources::events(), ev_ns, ev_name, PatchType::kMerge, patch);
    }
    lock.unlock();
    nlohmann::json regarding_ref = {{"apiVersion", regarding.value("apiVersion", "")},
                                    {"kind", regarding.value("kind", "")},
                                    {"name", m.value("name", "")},
                                    {"uid", m.value("uid", "")},
                                    {"resourceVersion", m.value("resourceVersion", "")}};
    if (!obj_ns.empty()) regarding_ref["namespace"] = obj_ns;
    nlohmann::json ev = {
        {"apiVersion", "events.k8s.io/v1"},
        {"kind", "Event"},
        {"metadata", {{"name", event_name(m.value("name", "object"))}, {"namespace", ns}}},
        {"eventTime", format_api_micro_time(std::chrono::system_clock::now())},
        {"reportingController", controller_},
        {"reportingInstance", instance_},
        {"action", action},
        {"reason", reason},
        {"type", type_name},
        {"note", note},
        {"regarding", regarding_ref},
    };
    auto created = client_->create(resources::events(), ev, ns);
    lock.lock();
    seen_[key] = {ns, created["metadata"].value("name", ""), 1, now};
    recorded_.emplace_back(now, key);
    forget_old_locked(now);
    return created;
  } catch (const std::exception& e) {
    spdlog::warn("event {} {} for {}/{} not recorded: {}", type_name, reason, ns,
                 m.value("name", ""), e.what());
    return nullptr;
  }
}

void EventRecorder::forget_old_locked(Clock::time_point now) {
  while (!recorded_.empty() && now - recorded_.front().first >= series_window) {
    const auto [when, key] = recorded_.front();
    recorded_.pop_front();
    // A later event of the same series has its own, newer entry.
    if (auto it = seen_.find(key); it != seen_.end() && it->second.last <= when) seen_.erase(it);
  }
}

}  // namespace kiln::kube
