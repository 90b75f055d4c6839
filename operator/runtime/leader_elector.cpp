#include "operator/runtime/leader_elector.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace kiln::runtime {

namespace {

// What the server stored (its MicroTime has less precision than our clock),
// so that the next read compares equal and is not mistaken for a change.
LeaderElectionRecord written_record(const LeaseStoreResult& result,
                                    const LeaderElectionRecord& sent) {
  auto spec = result.lease.find("spec");
  if (!result.lease.is_object() || spec == result.lease.end()) return sent;
  return record_from_lease_spec(*spec);
}

}  // namespace

LeaderElector::LeaderElector(LeaderElectionConfig config, LeaseLock& lock,
                             LeaderCallbacks callbacks, std::shared_ptr<Clock> clock,
                             MetricsRegistry* metrics)
    : config_(std::move(config)),
      lock_(lock),
      callbacks_(std::move(callbacks)),
      clock_(clock ? std::move(clock) : system_clock()),
      random_(std::random_device{}()) {
  using std::chrono::duration_cast;
  if (config_.identity.empty()) throw std::invalid_argument("leader election: identity required");
  if (config_.retry_period <= Clock::duration::zero() ||
      config_.renew_deadline <= Clock::duration::zero() || config_.lease_duration.count() <= 0) {
    throw std::invalid_argument("leader election: durations must be positive");
  }
  if (duration_cast<Clock::duration>(config_.lease_duration) <= config_.renew_deadline) {
    throw std::invalid_argument("leader election: lease_duration must exceed renew_deadline");
  }
  const auto max_retry =
      std::chrono::duration<double>(config_.retry_period) * std::max(1.0, config_.jitter_factor);
  if (std::chrono::duration<double>(config_.renew_deadline) <= max_retry) {
    throw std::invalid_argument(
        "leader election: renew_deadline must exceed retry_period * jitter_factor");
  }
  if (metrics != nullptr) {
    master_status_ = &metrics
                          ->gauge("leader_election_master_status",
                                  "Gauge of if the reporting system is master of the relevant "
                                  "lease, 0 indicates backup, 1 indicates master.",
                                  {"name"})
                          .with({lock_.name()});
    master_status_->set(0);
  }
}

bool LeaderElector::is_leader() const {
  std::lock_guard guard(mutex_);
  return leading_;
}

std::string LeaderElector::observed_leader() const {
  std::lock_guard guard(mutex_);
  return observed_.record ? observed_.record->holder_identity : std::string();
}

void LeaderElector::set_leading(bool leading) {
  {
    std::lock_guard guard(mutex_);
    leading_ = leading;
  }
  if (master_status_ != nullptr) master_status_->set(leading ? 1 : 0);
}

void LeaderElector::observe(const std::optional<LeaderElectionRecord>& record,
                            Clock::time_point now) {
  std::string new_leader;
  {
    std::lock_guard guard(mutex_);
    // The expiry clock restarts only when the record changes: a live leader
    // changes renewTime on every renewal.
    if (record != observed_.record) {
      observed_.record = record;
      observed_.observed_at = now;
    }
    const std::string holder = record ? record->holder_identity : std::string();
    if (holder == reported_leader_) return;
    reported_leader_ = holder;
    new_leader = holder;
  }
  if (!new_leader.empty()) {
    spdlog::info("leader election {}: new leader {}", lock_.describe(), new_leader);
    if (callbacks_.on_new_leader) callbacks_.on_new_leader(new_leader);
  }
}

LeaseStore::Timeout LeaderElector::time_left(Clock::time_point deadline) const {
  return std::chrono::duration_cast<LeaseStore::Timeout>(deadline - clock_->now());
}

LeaderElector::Attempt LeaderElector::attempt(Clock::time_point deadline) {
  const auto read_at = clock_->now();
  auto got = lock_.get(time_left(deadline));
  if (got.status != LeaseStoreStatus::ok && got.status != LeaseStoreStatus::not_found) {
    spdlog::warn("leader election {}: reading the lease failed: {}", lock_.describe(), got.message);
    return Attempt::not_held;
  }
  observe(got.record, read_at);

  LeaseObservation observed;
  bool leading = false;
  {
    std::lock_guard guard(mutex_);
    observed = observed_;
    leading = leading_;
  }
  // Judged after the read returns, as the wait that follows is: a read that
  // straddled the expiry must not count as "held", or the candidate would
  // then wait out a whole jittered retry_period on an expired Lease.
  const auto decision = decide_lease_action(observed, config_.identity, leading, clock_->now(),
                                            clock_->wall_now(), config_.lease_duration);
  switch (decision.action) {
    case LeaseAction::wait:
      return Attempt::not_held;
    case LeaseAction::lost:
      spdlog::warn("leader election {}: lease now held by {}", lock_.describe(),
                   decision.record.holder_identity);
      return Attempt::lost;
    case LeaseAction::create:
    case LeaseAction::acquire:
    case LeaseAction::renew:
      break;
  }
  const auto written = decision.action == LeaseAction::create
                           ? lock_.create(decision.record, time_left(deadline))
                           : lock_.update(decision.record, time_left(deadline));
  if (written.status != LeaseStoreStatus::ok) {
    spdlog::info("leader election {}: {} failed: {}", lock_.describe(), to_string(decision.action),
                 written.message);
    if (written.status == LeaseStoreStatus::conflict) {
      // Another candidate wrote first: read its record now, so that the
      // expiry clock starts at its write, not one jittered retry period later
      // (a winner killed soon after would otherwise be replaced 17-19 s on).
      const auto reread_at = clock_->now();
      auto winner = lock_.get(time_left(deadline));
      if (winner.status == LeaseStoreStatus::ok) observe(winner.record, reread_at);
    }
    return Attempt::not_held;
  }
  observe(written_record(written, decision.record), read_at);
  return Attempt::held;
}

bool LeaderElector::try_acquire_or_renew() {
  return attempt(clock_->now() + config_.renew_deadline) == Attempt::held;
}

bool LeaderElector::release() {
  LeaderElectionRecord released;
  {
    std::lock_guard guard(mutex_);
    if (!observed_.record || observed_.record->holder_identity != config_.identity) return true;
    // client-go ReleaseOnCancel: nobody holds it, and what is left expires in 1 s.
    released.lease_transitions = observed_.record->lease_transitions;
  }
  released.lease_duration_seconds = 1;
  released.acquire_time = released.renew_time = clock_->wall_now();
  // Uses the resourceVersion we last wrote: if someone else has written since,
  // the update conflicts and we do not clobber their lease.
  const auto result =
      lock_.update(released, std::chrono::duration_cast<LeaseStore::Timeout>(config_.retry_period));
  if (result.status != LeaseStoreStatus::ok) {
    spdlog::warn("leader election {}: release failed: {}", lock_.describe(), result.message);
    return false;
  }
  observe(written_record(result, released), clock_->now());
  spdlog::info("leader election {}: released", lock_.describe());
  return true;
}

Clock::duration LeaderElector::jittered_retry_period_locked() {
  if (config_.jitter_factor <= 0) return config_.retry_period;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double factor = 1.0 + unit(random_) * config_.jitter_factor;
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(config_.retry_period) * factor);
}

Clock::duration LeaderElector::candidate_wait() {
  std::lock_guard guard(mutex_);
  if (!observed_.record || observed_.record->holder_identity.empty()) {
    return jittered_retry_period_locked();
  }
  // A live holder: look every half retry_period, unjittered (the holder
  // renews every retry_period, so the expiry clock starts at most half a
  // period after the holder's last write), and again the moment the Lease
  // expires: a dead leader is replaced at most lease_duration + retry_period/2
  // (16 s) after its last renewal, plus the takeover's own write. Jitter, which
  // keeps candidates from racing, matters only once the Lease is free or
  // expired.
  const auto expiry =
      observed_.observed_at + std::chrono::seconds(observed_.record->lease_duration_seconds);
  const auto until_expiry = expiry - clock_->now();
  if (until_expiry <= Clock::duration::zero()) return jittered_retry_period_locked();
  return std::min(config_.retry_period / 2, until_expiry);
}

LeaderElector::Outcome LeaderElector::run(std::stop_token stop) {
  spdlog::info("leader election {}: {} is a candidate", lock_.describe(), config_.identity);
  // When the winning attempt started: the Lease the others see was written
  // after it, so leading until it + renew_deadline stays inside the lease
  // duration they wait out, however long the write's answer took to arrive.
  Clock::time_point renewed_at;
  while (true) {
    if (stop.stop_requested()) return Outcome::stopped_before_leading;
    renewed_at = clock_->now();
    if (attempt(renewed_at + config_.renew_deadline) == Attempt::held) break;
    clock_->sleep_for(candidate_wait(), stop);
  }

  spdlog::info("leader election {}: {} acquired the lease", lock_.describe(), config_.identity);
  set_leading(true);
  std::stop_source leading;
  if (callbacks_.on_started_leading) callbacks_.on_started_leading(leading.get_token());

  // Renew every retry_period. Every call is bounded by the renew deadline
  // (the time the last successful renewal started + renew_deadline), and
  // leadership ends when it passes, even while the API server does not
  // answer (client-go bounds each renewal by the same deadline).
  Outcome outcome = Outcome::stopped;
  while (true) {
    const auto deadline = renewed_at + config_.renew_deadline;
    if (!clock_->sleep_until(std::min(clock_->now() + config_.retry_period, deadline), stop)) {
      break;
    }
    const auto started = clock_->now();
    if (started >= deadline) {
      spdlog::error(
          "leader election {}: no renewal within the renew deadline ({} ms)", lock_.describe(),
          std::chrono::duration_cast<std::chrono::milliseconds>(config_.renew_deadline).count());
      outcome = Outcome::lost;
      break;
    }
    const Attempt result = attempt(deadline);
    if (result == Attempt::held) {
      renewed_at = started;
    } else if (result == Attempt::lost) {
      outcome = Outcome::lost;
      break;
    }
    // not_held: a failed call; retry until the deadline.
  }

  if (outcome == Outcome::lost) {
    spdlog::error("leader election {}: {} lost the lease", lock_.describe(), config_.identity);
  }
  set_leading(false);
  leading.request_stop();
  if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
  // Released only after the leader's work has stopped, so that the next
  // leader never overlaps with it.
  if (outcome == Outcome::stopped && config_.release_on_cancel) release();
  return outcome;
}

}  // namespace kiln::runtime
