#include "operator/kube/watch_state_machine.hpp"

namespace kiln::kube {
namespace {

constexpr int kGone = 410;

std::string resource_version_of(const nlohmann::json& obj) {
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return {};
  return m->value("resourceVersion", "");
}

}  // namespace

const char* to_string(WatchStateMachine::State s) {
  switch (s) {
    case WatchStateMachine::State::kEmpty:
      return "Empty";
    case WatchStateMachine::State::kInitPage:
      return "InitPage";
    case WatchStateMachine::State::kInitListed:
      return "InitListed";
    case WatchStateMachine::State::kWatching:
      return "Watching";
  }
  return "?";
}

WatchStateMachine::Step WatchStateMachine::next_step() const {
  switch (state_) {
    case State::kEmpty:
      return {Step::Kind::kListPage, "", ""};
    case State::kInitPage:
      return {Step::Kind::kListPage, continue_token_, ""};
    case State::kInitListed:
    case State::kWatching:
      return {Step::Kind::kStartWatch, "", resource_version_};
  }
  return {};
}

void WatchStateMachine::restart_from_scratch() {
  state_ = State::kEmpty;
  continue_token_.clear();
  resource_version_.clear();
  pending_.clear();
}

WatchStateMachine::Outcome WatchStateMachine::on_list_page(nlohmann::json page) {
  Outcome out;
  // The API server leaves apiVersion and kind out of the items of a typed
  // list (a ConfigMapList's items are bare ConfigMaps), while watch events
  // carry them. Set them as apimachinery's decoder does, so that the cache
  // holds one shape whichever way an object arrived.
  const std::string api_version = page.value("apiVersion", "");
  std::string kind = page.value("kind", "");
  if (kind.size() > 4 && kind.ends_with("List")) kind.resize(kind.size() - 4);
  if (auto items = page.find("items"); items != page.end() && items->is_array()) {
    for (auto& item : *items) {
      if (item.is_object()) {
        if (!api_version.empty() && !item.contains("apiVersion")) item["apiVersion"] = api_version;
        if (!kind.empty() && !item.contains("kind")) item["kind"] = kind;
      }
      pending_.push_back(std::move(item));
    }
  }
  const auto meta = page.value("metadata", nlohmann::json::object());
  continue_token_ = meta.value("continue", "");
  if (!continue_token_.empty()) {
    state_ = State::kInitPage;
    return out;
  }
  // The list's resourceVersion, not any item's, is the point the watch resumes from.
  resource_version_ = meta.value("resourceVersion", "");
  if (resource_version_.empty()) {
    // Nothing to watch from: a watch without one would start at "now" and
    // miss what changed since the list (kube-rs treats it as an error too).
    restart_from_scratch();
    out.backoff = true;
    out.problem = "list answered without a resourceVersion; listing again";
    return out;
  }
  state_ = State::kInitListed;
  WatcherEvent ev;
  ev.type = WatcherEvent::Type::kRestarted;
  ev.objects = std::move(pending_);
  pending_.clear();
  out.events.push_back(std::move(ev));
  return out;
}

WatchStateMachine::Outcome WatchStateMachine::on_list_failed(int http_code) {
  // 410 mid-pagination: the continue token expired; start the list over.
  if (http_code == kGone) restart_from_scratch();
  return {{}, true, {}};
}

void WatchStateMachine::on_watch_started() {
  if (state_ == State::kInitListed) state_ = State::kWatching;
}

WatchStateMachine::Outcome WatchStateMachine::on_watch_event(WatchEvent event) {
  Outcome out;
  if (state_ != State::kWatching) return out;  // stray event after the stream was abandoned
  switch (event.type) {
    case WatchEventType::kAdded:
    case WatchEventType::kModified:
    case WatchEventType::kDeleted: {
      if (auto rv = resource_version_of(event.object); !rv.empty()) resource_version_ = rv;
      WatcherEvent ev;
      ev.type = event.type == WatchEventType::kDeleted ? WatcherEvent::Type::kDeleted
                                                       : WatcherEvent::Type::kApplied;
      ev.object = std::move(event.object);
      out.events.push_back(std::move(ev));
      return out;
    }
    case WatchEventType::kBookmark:
      // A bookmark carries only a resourceVersion: progress without objects.
      if (auto rv = resource_version_of(event.object); !rv.empty()) resource_version_ = rv;
      return out;
    case WatchEventType::kError: {
      int code = event.object.is_object() ? event.object.value("code", 0) : 0;
      if (code == kGone) {
        // Our resourceVersion was compacted away: only a fresh list is consistent.
        restart_from_scratch();
        return out;
      }
      state_ = State::kInitListed;
      out.backoff = true;
      return out;
    }
  }
  return out;
}

WatchStateMachine::Outcome WatchStateMachine::on_watch_closed() {
  if (state_ == State::kWatching) state_ = State::kInitListed;
  return {};
}

WatchStateMachine::Outcome WatchStateMachine::on_watch_failed(int http_code) {
  if (http_code == kGone) {
    restart_from_scratch();
    return {};
  }
  if (state_ == State::kWatching) state_ = State::kInitListed;
  return {{}, true, {}};
}

}  // namespace kiln::kube
