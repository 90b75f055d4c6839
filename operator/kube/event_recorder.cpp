#include "operator/kube/event_recorder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>

#include "operator/kube/api_time.hpp"
#include "operator/kube/call_scope.hpp"
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
                             std::string reporting_instance, std::size_t max_pending)
    : client_(std::move(client)),
      controller_(std::move(reporting_controller)),
      instance_(std::move(reporting_instance)),
      max_pending_(max_pending),
      writer_([this](std::stop_token stop) { run(stop); }) {}

EventRecorder::~EventRecorder() {
  // What is queued gets 2 s to be written; then a write still in flight (an
  // API server that does not answer) is aborted, so shutdown never waits out
  // a request timeout.
  writer_.request_stop();
  {
    std::unique_lock lock(mu_);
    drained_.wait_for(lock, std::chrono::seconds(2), [&] { return stopped_; });
  }
  abort_.request_stop();
  writer_.join();
}

void EventRecorder::record(const nlohmann::json& regarding, EventType type,
                           const std::string& reason, const std::string& action,
                           const std::string& note) {
  const auto& m = regarding.at("metadata");
  const std::string obj_ns = m.value("namespace", "");
  Pending event{{{"apiVersion", regarding.value("apiVersion", "")},
                 {"kind", regarding.value("kind", "")},
                 {"name", m.value("name", "")},
                 {"uid", m.value("uid", "")},
                 {"resourceVersion", m.value("resourceVersion", "")}},
                obj_ns.empty() ? "default" : obj_ns,
                type == EventType::kWarning ? "Warning" : "Normal",
                reason,
                action,
                note.substr(0, 1024),
                Clock::now(),
                std::chrono::system_clock::now()};
  if (!obj_ns.empty()) event.regarding["namespace"] = obj_ns;
  {
    std::lock_guard lock(mu_);
    if (pending_.size() >= max_pending_) {
      if (dropped_++ % 100 == 0) {
        spdlog::warn("event {} {} for {}/{} dropped: {} events already wait to be written",
                     event.type, reason, event.ns, m.value("name", ""), pending_.size());
      }
      return;
    }
    pending_.push_back(std::move(event));
  }
  wake_.notify_one();
}

void EventRecorder::flush() {
  std::unique_lock lock(mu_);
  drained_.wait(lock, [&] { return pending_.empty() && !writing_; });
}

std::uint64_t EventRecorder::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

std::uint64_t EventRecorder::throttled() const {
  std::lock_guard lock(mu_);
  return throttled_;
}

EventRecorder::Clock::duration EventRecorder::take_token(Clock::time_point now) {
  if (tokens_ < 0) {
    tokens_ = burst;
    refilled_ = now;
  }
  tokens_ = std::min(
      burst, tokens_ + std::chrono::duration<double>(now - refilled_).count() * max_per_second);
  refilled_ = now;
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return Clock::duration::zero();
  }
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>((1 - tokens_) / max_per_second));
}

void EventRecorder::run(std::stop_token stop) {
  CallScope calls(abort_.get_token());  // the destructor's last resort
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, stop, [&] { return !pending_.empty(); });
    if (pending_.empty() || abort_.stop_requested()) {
      if (!pending_.empty()) {
        spdlog::warn("{} event(s) not written: stopping", pending_.size());
        pending_.clear();
      }
      if (stop.stop_requested()) {
        stopped_ = true;
        drained_.notify_all();
        return;
      }
      drained_.notify_all();
      continue;
    }
    // Paced, except while stopping: then what is queued has 2 s in all.
    if (!stop.stop_requested()) {
      if (const auto wait = take_token(Clock::now()); wait > Clock::duration::zero()) {
        ++throttled_;
        if (!backlog_logged_) {
          backlog_logged_ = true;
          spdlog::info("{} event(s) queued: writing at most {} a second", pending_.size(),
                       max_per_second);
        }
        wake_.wait_for(lock, stop, wait, [] { return false; });
        continue;
      }
    }
    Pending event = std::move(pending_.front());
    pending_.pop_front();
    if (pending_.empty()) backlog_logged_ = false;
    writing_ = true;
    lock.unlock();
    write(event);
    lock.lock();
    writing_ = false;
    if (pending_.empty()) drained_.notify_all();
  }
}

void EventRecorder::write(const Pending& event) {
  const auto key = series_key(event.regarding.value("uid", ""), event.reason, event.action,
                              event.type, event.note);
  try {
    auto it = seen_.find(key);
    if (it != seen_.end() && event.at - it->second.last < series_window) {
      Seen& s = it->second;
      s.count += 1;
      s.last = event.at;
      recorded_.emplace_back(event.at, key);
      forget_old(event.at);
      nlohmann::json patch = {
          {"series",
           {{"count", s.count}, {"lastObservedTime", format_api_micro_time(event.wall)}}}};
      client_->patch(resources::events(), s.ns, s.name, PatchType::kMerge, patch);
      return;
    }
    nlohmann::json ev = {
        {"apiVersion", "events.k8s.io/v1"},
        {"kind", "Event"},
        {"metadata",
         {{"name", event_name(event.regarding.value("name", "object"))}, {"namespace", event.ns}}},
        {"eventTime", format_api_micro_time(event.wall)},
        {"reportingController", controller_},
        {"reportingInstance", instance_},
        {"action", event.action},
        {"reason", event.reason},
        {"type", event.type},
        {"note", event.note},
        {"regarding", event.regarding},
    };
    auto created = client_->create(resources::events(), ev, event.ns);
    seen_[key] = {event.ns, created["metadata"].value("name", ""), 1, event.at};
    recorded_.emplace_back(event.at, key);
    forget_old(event.at);
  } catch (const std::exception& e) {
    spdlog::warn("event {} {} for {}/{} not recorded: {}", event.type, event.reason, event.ns,
                 event.regarding.value("name", ""), e.what());
  }
}

void EventRecorder::forget_old(Clock::time_point now) {
  while (!recorded_.empty() && now - recorded_.front().first >= series_window) {
    const auto [when, key] = recorded_.front();
    recorded_.pop_front();
    // A later event of the same series has its own, newer entry.
    if (auto it = seen_.find(key); it != seen_.end() && it->second.last <= when) seen_.erase(it);
  }
}

}  // namespace kiln::kube
