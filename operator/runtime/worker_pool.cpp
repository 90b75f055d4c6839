#include "operator/runtime/worker_pool.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace kiln::runtime {

WorkerPool::WorkerPool(WorkQueue& queue, ReconcileFunction reconcile, WorkerPoolOptions options)
    : queue_(queue), reconcile_(std::move(reconcile)), options_(std::move(options)) {
  if (options_.workers < 1) options_.workers = 1;
  if (options_.metrics != nullptr) {
    metrics_ = std::make_unique<ReconcileMetrics>(*options_.metrics, options_.controller);
    metrics_->max_concurrent_reconciles().set(options_.workers);
  }
}

WorkerPool::~WorkerPool() {
  stop();
}

void WorkerPool::start() {
  if (!threads_.empty()) return;
  for (int i = 0; i < options_.workers; ++i) {
    threads_.emplace_back([this] {
      while (process_next_item()) {
      }
    });
  }
}

void WorkerPool::stop() {
  stop_.request_stop();
  queue_.shut_down_with_drain();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

bool WorkerPool::process_next_item() {
  auto key = queue_.get();
  if (!key) return false;
  if (metrics_) metrics_->active_workers().inc();

  Clock& clock = queue_.clock();
  const auto started = clock.now();
  ReconcileResult result = ReconcileResult::done();
  try {
    result = reconcile_(*key, stop_.get_token());
  } catch (const std::exception& e) {
    result = ReconcileResult::error(std::string("reconcile threw: ") + e.what());
  } catch (...) {
    result = ReconcileResult::error("reconcile threw a non-standard exception");
  }
  const auto elapsed = clock.now() - started;

  if (result.is_error()) {
    spdlog::error("Reconciler error: controller={} key={} terminal={} error={}",
                  options_.controller, *key, result.kind() == ReconcileResult::Kind::terminal_error,
                  result.message());
  }
  // Re-queue before done(): the key then becomes eligible exactly at done(),
  // never handed to a second worker while this one still holds it.
  apply_reconcile_result(queue_, *key, result);
  if (metrics_) {
    metrics_->record(result, elapsed);
    metrics_->active_workers().dec();
  }
  queue_.done(*key);
  return true;
}

}  // namespace kiln::runtime
