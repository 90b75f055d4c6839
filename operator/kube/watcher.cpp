#include "operator/kube/watcher.hpp"

#include <spdlog/spdlog.h>

#include <random>
#include <thread>

#include "operator/kube/watch_event_decoder.hpp"

namespace kiln::kube {
namespace {

// Sleeps up to `d`, waking early when `stop` is set.
void sleep_unless_stopped(std::chrono::milliseconds d, const std::atomic<bool>& stop) {
  const auto until = std::chrono::steady_clock::now() + d;
  for (auto now = std::chrono::steady_clock::now(); !stop.load() && now < until;
       now = std::chrono::steady_clock::now()) {
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(until - now, std::chrono::milliseconds(50)));
  }
}

}  // namespace

Watcher::Watcher(std::shared_ptr<RestClient> client, ResourceRef resource, WatcherOptions options,
                 EventSink on_event)
    : client_(std::move(client)),
      resource_(std::move(resource)),
      options_(std::move(options)),
      on_event_(std::move(on_event)),
      backoff_(options_.backoff) {}

std::string Watcher::resource_version() const {
  std::lock_guard g(rv_mu_);
  return rv_snapshot_;
}

void Watcher::deliver(WatchStateMachine::Outcome& outcome) {
  for (auto& ev : outcome.events) {
    if (ev.type == WatcherEvent::Type::kRestarted) ++lists_completed_;
    on_event_(std::move(ev));
  }
  outcome.events.clear();
  std::lock_guard g(rv_mu_);
  rv_snapshot_ = machine_.resource_version();
}

void Watcher::run(const std::atomic<bool>& stop) {
  std::mt19937 rng(std::random_device{}());
  WatchEventDecoder decoder;
  const std::string what = resource_.api_version() + " " + resource_.resource;
  while (!stop.load()) {
    const auto step = machine_.next_step();
    WatchStateMachine::Outcome out;
    const bool listing = step.kind == WatchStateMachine::Step::Kind::kListPage;
    auto started = std::chrono::steady_clock::now();
    std::size_t events_seen = 0;
    try {
      if (listing) {
        ListOptions lo{options_.label_selector, options_.field_selector, options_.page_size,
                       step.continue_token, ""};
        out = machine_.on_list_page(client_->list(resource_, options_.ns, lo));
      } else {
        int t = options_.min_watch_timeout_seconds;
        WatchOptions wo{step.resource_version, options_.label_selector, options_.field_selector,
                        true, std::uniform_int_distribution<int>(t, 2 * t)(rng)};
        decoder.reset();
        machine_.on_watch_started();
        ++watches_started_;
        // Events are delivered as they are decoded; the stream is abandoned as
        // soon as the machine leaves Watching (an ERROR event).
        client_->watch(
            resource_, options_.ns, wo,
            [&](std::string_view chunk) {
              decoder.feed(chunk, [&](WatchEvent&& ev) {
                ++events_seen;
                auto o = machine_.on_watch_event(std::move(ev));
                deliver(o);
                out.backoff = out.backoff || o.backoff;
              });
              return machine_.state() == WatchStateMachine::State::kWatching;
            },
            &stop);
        if (machine_.state() == WatchStateMachine::State::kWatching) {
          auto closed = machine_.on_watch_closed();
          // A stream the server closes at once with nothing in it (e.g. while
          // shutting down) must not turn into a tight reconnect loop.
          closed.backoff = std::chrono::steady_clock::now() - started < std::chrono::seconds(1) &&
                           events_seen == 0;
          out.backoff = out.backoff || closed.backoff;
        }
      }
    } catch (const ApiError& e) {
      if (stop.load()) break;
      spdlog::warn("watcher {}: {} failed: {}", what, listing ? "list" : "watch", e.what());
      out = listing ? machine_.on_list_failed(e.code()) : machine_.on_watch_failed(e.code());
    } catch (const std::exception& e) {  // transport errors, malformed streams
      if (stop.load()) break;
      spdlog::warn("watcher {}: {} failed: {}", what, listing ? "list" : "watch", e.what());
      out = listing ? machine_.on_list_failed(0) : machine_.on_watch_failed(0);
    }
    if (!out.problem.empty()) spdlog::warn("watcher {}: {}", what, out.problem);
    deliver(out);
    if (out.backoff && !stop.load()) {
      sleep_unless_stopped(backoff_.next_delay(std::chrono::steady_clock::now()), stop);
    }
  }
}

}  // namespace kiln::kube
