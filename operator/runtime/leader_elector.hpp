#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <stop_token>
#include <string>

#include "operator/runtime/clock.hpp"
#include "operator/runtime/leader_election_decision.hpp"
#include "operator/runtime/lease_lock.hpp"
#include "operator/runtime/metrics_registry.hpp"

namespace kiln::runtime {

struct LeaderElectionConfig {
  std::string identity;  // unique per candidate, e.g. "<pod name>_<uuid>"
  // client-go defaults: a leader that cannot renew for renew_deadline steps
  // down; others take over lease_duration after they last saw it change.
  std::chrono::seconds lease_duration{15};
  Clock::duration renew_deadline = std::chrono::seconds(10);
  Clock::duration retry_period = std::chrono::seconds(2);
  // Acquire attempts on a free or expired Lease wait
  // retry_period * (1 + rand[0, jitter_factor)), so that candidates started
  // together do not hit the API in lockstep; while a live holder renews, a
  // candidate looks every half retry_period and again the moment the Lease
  // expires.
  double jitter_factor = 1.2;
  // On a graceful stop, hand the Lease over at once instead of letting it expire.
  bool release_on_cancel = true;
};

struct LeaderCallbacks {
  // Called on the elector's thread once leadership is acquired; must return
  // promptly (start work elsewhere). The token is stopped when leadership ends.
  std::function<void(std::stop_token leading)> on_started_leading;
  // Called when leadership ends (lost or stopped), after the token above is
  // stopped and before the Lease is released; it should wait until the work
  // started above has stopped, so two leaders never overlap.
  std::function<void()> on_stopped_leading;
  // Called when the observed holder changes (including to ourselves).
  std::function<void(const std::string& identity)> on_new_leader;
};

// Leader election on a coordination.k8s.io/v1 Lease, with client-go
// leaderelection semantics: acquire (retrying every retry_period, jittered),
// then renew every retry_period; if no renewal succeeds within renew_deadline
// of the start of the last successful one (every call is bounded by that
// deadline, so a stalled API server cannot hold it up), or the Lease names
// someone else, leadership is lost.
class LeaderElector {
 public:
  enum class Outcome {
    stopped_before_leading,  // stop requested while still a candidate
    stopped,                 // led, then stop requested (Lease released if configured)
    lost,                    // led, then failed to renew or was replaced
  };

  // Throws std::invalid_argument for an unusable configuration, as client-go does.
  LeaderElector(LeaderElectionConfig config, LeaseLock& lock, LeaderCallbacks callbacks,
                std::shared_ptr<Clock> clock = nullptr, MetricsRegistry* metrics = nullptr);

  // Runs the election until `stop` is requested or leadership is lost. Not
  // restartable after a loss: like client-go, a process that lost leadership
  // should exit (or build a new elector).
  Outcome run(std::stop_token stop);

  // One get-decide-write round; true if we hold the Lease afterwards.
  bool try_acquire_or_renew();
  // Hands the Lease over (empty holder, leaseDurationSeconds 1) if we hold it.
  bool release();

  bool is_leader() const;
  // Holder named by the Lease as last observed ("" if none).
  std::string observed_leader() const;
  const LeaderElectionConfig& config() const { return config_; }

 private:
  enum class Attempt { held, not_held, lost };
  // One get-decide-write round whose calls all end by `deadline`.
  Attempt attempt(Clock::time_point deadline);
  LeaseStore::Timeout time_left(Clock::time_point deadline) const;
  void observe(const std::optional<LeaderElectionRecord>& record, Clock::time_point now);
  void set_leading(bool leading);
  Clock::duration jittered_retry_period_locked();  // mutex_ held (random_)
  // How long a candidate waits before its next attempt.
  Clock::duration candidate_wait();

  LeaderElectionConfig config_;
  LeaseLock& lock_;
  LeaderCallbacks callbacks_;
  std::shared_ptr<Clock> clock_;
  Gauge* master_status_ = nullptr;
  std::mt19937_64 random_;

  mutable std::mutex mutex_;  // guards the fields below, read by other threads
  LeaseObservation observed_;
  bool leading_ = false;
  std::string reported_leader_;
};

}  // namespace kiln::runtime
