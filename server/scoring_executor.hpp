#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "server/python/scoring_script.hpp"

namespace kiln::serve {

// One call of run(), handed from the HTTP thread to the scoring thread.
// `state` decides, exactly once, who answers: the scoring thread when run()
// returns (kRunning -> kDone), or the watchdog when it does not return in time
// (kRunning -> kTimedOut), or the drain (kQueued -> kCancelled).
struct ScoreJob {
  enum State : int { kQueued, kRunning, kDone, kTimedOut, kCancelled };

  python::ScoreRequest request;
  // Called on the scoring thread with the response, only if the job reached kDone.
  std::function<void(python::ScoreResponse)> done;
  std::atomic<int> state{kQueued};
  std::atomic<std::int64_t> started_ns{0};  // steady clock, set when run() starts
};

// The worker's single Python thread: takes jobs in order and runs them with the
// GIL held only inside ScoringScript::score. Python is single-core per
// process; parallelism comes from worker processes.
class ScoringExecutor {
 public:
  // `spin`: how long the scoring thread keeps looking for the next job before
  // it sleeps. Under load the next request is usually a few microseconds away,
  // and sleeping and being woken again costs two context switches per request.
  ScoringExecutor(python::ScoringScript& script, bool debug,
                  std::chrono::microseconds spin = std::chrono::microseconds(0))
      : script_(script), debug_(debug), spin_(spin) {}

  void submit(std::shared_ptr<ScoreJob> job);

  // Runs jobs on the calling thread until stop().
  void run();
  void stop();

  // Takes every job still queued (they will never run), e.g. when the worker
  // is about to be replaced.
  std::vector<std::shared_ptr<ScoreJob>> take_queued();

  static std::int64_t now_ns();

 private:
  python::ScoringScript& script_;
  bool debug_;
  std::chrono::microseconds spin_;
  std::atomic<std::size_t> queued_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<ScoreJob>> queue_;
  bool stopped_ = false;
};

}  // namespace kiln::serve
