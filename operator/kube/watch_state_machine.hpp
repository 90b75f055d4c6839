#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "operator/kube/watch_event.hpp"

namespace kiln::kube {

// What a watcher tells its consumer. kRestarted carries the complete set of
// objects from a (re-)list, so a cache can swap itself atomically and infer
// the deletions it missed.
struct WatcherEvent {
  enum class Type { kRestarted, kApplied, kDeleted };
  Type type = Type::kApplied;
  nlohmann::json object;                // kApplied, kDeleted
  std::vector<nlohmann::json> objects;  // kRestarted
};

// The watcher's transitions, free of I/O so every path is unit-testable
// (modelled on kube-rs kube-runtime watcher.rs):
//
//   kEmpty ──list page──▶ kInitPage ──last page──▶ kInitListed ──▶ kWatching
//      ▲                    (continue token)        (list RV)       │    │
//      │                                                ▲  closed / error│
//      │                                                └────────────────┘
//      └──── 410 Gone (list, watch start, or an ERROR event) from anywhere
//
// The driver asks next_step(), performs it, and reports the result; each
// report returns the events to deliver and whether to back off first.
class WatchStateMachine {
 public:
  enum class State { kEmpty, kInitPage, kInitListed, kWatching };
  struct Step {
    enum class Kind { kListPage, kStartWatch };
    Kind kind = Kind::kListPage;
    std::string continue_token;    // kListPage
    std::string resource_version;  // kStartWatch
  };
  struct Outcome {
    std::vector<WatcherEvent> events;
    bool backoff = false;  // wait before the next step
    std::string problem;   // set when the server's answer was unusable, for the log
  };

  State state() const { return state_; }
  // The newest resourceVersion seen (list, event, or bookmark); "" when none.
  const std::string& resource_version() const { return resource_version_; }
  Step next_step() const;

  // A list page arrived (the List object).
  Outcome on_list_page(nlohmann::json page);
  // A list request failed with this HTTP code (0: no answer).
  Outcome on_list_failed(int http_code);
  // The watch request was answered 200 and the stream is open.
  void on_watch_started();
  Outcome on_watch_event(WatchEvent event);
  // The server ended the stream normally (timeoutSeconds, apiserver shutdown).
  Outcome on_watch_closed();
  // The watch request or stream failed with this HTTP code (0: transport error).
  Outcome on_watch_failed(int http_code);

 private:
  void restart_from_scratch();
  State state_ = State::kEmpty;
  std::string continue_token_;
  std::string resource_version_;
  std::vector<nlohmann::json> pending_;  // pages of an initial list not yet complete
};

const char* to_string(WatchStateMachine::State s);

}  // namespace kiln::kube
