#include "server/scoring_executor.hpp"

#include <chrono>

namespace kiln::serve {

std::int64_t ScoringExecutor::now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void ScoringExecutor::submit(std::shared_ptr<ScoreJob> job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
    queued_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_one();
}

void ScoringExecutor::run() {
  for (;;) {
    std::shared_ptr<ScoreJob> job;
    if (spin_.count() > 0 && queued_.load(std::memory_order_acquire) == 0) {
      auto until = std::chrono::steady_clock::now() + spin_;
      while (queued_.load(std::memory_order_acquire) == 0 &&
             std::chrono::steady_clock::now() < until) {
        __builtin_ia32_pause();
      }
    }
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopped_ || !queue_.empty(); });
      if (stopped_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      queued_.fetch_sub(1, std::memory_order_relaxed);
    }
    job->started_ns.store(now_ns(), std::memory_order_relaxed);
    int expected = ScoreJob::kQueued;
    if (!job->state.compare_exchange_strong(expected, ScoreJob::kRunning)) continue;
    python::ScoreResponse response = script_.score(job->request, debug_);
    expected = ScoreJob::kRunning;
    if (job->state.compare_exchange_strong(expected, ScoreJob::kDone)) {
      job->done(std::move(response));
    }
  }
}

void ScoringExecutor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  wake_.notify_all();
}

std::vector<std::shared_ptr<ScoreJob>> ScoringExecutor::take_queued() {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<ScoreJob>> out(queue_.begin(), queue_.end());
  queue_.clear();
  queued_.store(0);
  return out;
}

}  // namespace kiln::serve
