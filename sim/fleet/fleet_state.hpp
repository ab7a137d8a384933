#pragma once
/// @file fleet_state.hpp
/// The fleet engine's state, shared by its sources: fleet_engine.cpp (events, accounting, jobs, failures,
/// services, the loop), fleet_scheduling.cpp (the policies) and fleet_results.cpp (what a run reports). Private to
/// sim/fleet/.

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <queue>
#include <random>
#include <set>
#include <vector>

#include "sim/fleet/cluster_state.hpp"
#include "sim/fleet/fleet_engine.hpp"
#include "sim/fleet/job_speed.hpp"

namespace capsim::fleet::detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

enum class Status : std::uint8_t { future, pending, running, done };
enum class EventType : std::uint8_t { complete, stepping, demote, failure, repair, autoscale, sample, round };

struct Event {
  double t;
  std::uint64_t seq;
  EventType type;
  std::int32_t id;
  std::uint32_t version;
  bool operator>(const Event& o) const { return t > o.t || (t == o.t && seq > o.seq); }
};

/// A job's state while the fleet runs. Work is counted in seconds of the job's packed, failure-free run.
struct Job {
  double work_s = 0;        ///< packed failure-free run time
  double done_s = 0;        ///< work done so far (kept or not)
  double saved_s = 0;       ///< work at the last durable checkpoint
  double seg_start = 0;     ///< when the current run started (GPUs held from here)
  double step_start = 0;    ///< when it starts stepping (after the restart and restore)
  double rate = 0;          ///< work seconds per wall second while stepping
  double eff = 1;           ///< share of stepping time not stalled by checkpoints
  double first_start = -1;
  double finish = -1;
  double attained_gpu_s = 0;  ///< LAS: GPU-seconds held
  double last_stop = 0;       ///< LAS anti-starvation: when it last stopped running
  double expected_end = 0;    ///< backfill: end the scheduler expects (estimate or truth)
  std::int32_t alloc = -1;    ///< slot in the allocation pool while running
  std::uint32_t version = 0;
  std::int32_t las_level = 0;
  std::int32_t restarts = 0;
  std::int32_t preemptions = 0;
  float speed = 1;
  Status status = Status::future;
  bool stepping = false;
};

struct PKey {
  double a, b;
  std::uint32_t id;
  bool operator<(const PKey& o) const {
    if (a != o.a) return a < o.a;
    if (b != o.b) return b < o.b;
    return id < o.id;
  }
};

enum class Family { list, teams, preemptive };

inline Family family_of(Policy p) {
  switch (p) {
    case Policy::quota:
    case Policy::quota_borrow:
    case Policy::fair_share:
    case Policy::drf: return Family::teams;
    case Policy::srtf:
    case Policy::las:
    case Policy::priority: return Family::preemptive;
    default: return Family::list;
  }
}

struct ServiceState {
  std::vector<std::int32_t> replicas;  ///< allocation slots
  std::int64_t ticks = 0, met = 0;
  double replica_ticks = 0;
  int peak = 0;
  std::int64_t preemptions_caused = 0;
};

class Fleet {
 public:
  explicit Fleet(const FleetSpec& spec)
      : spec_(spec),
        family_(family_of(spec.policy)),
        cluster_(spec.cluster.nodes, spec.cluster.gpus_per_node, fleet_nodes_per_leaf(spec.cluster)),
        speed_(spec),
        jobs_(spec.jobs.size()),
        node_occupants_(static_cast<std::size_t>(spec.cluster.nodes)),
        team_queue_(spec.teams.size()),
        team_alloc_(spec.teams.size(), 0),
        team_area_(spec.teams.size(), 0),
        team_interval_area_(spec.teams.size(), 0),
        team_last_(spec.teams.size(), 0),
        team_queued_(spec.teams.size(), 0),
        team_running_(spec.teams.size(), 0),
        services_(spec.services.size()),
        rng_(spec.seed) {
    for (const auto& t : spec.teams) {
      quota_total_ += t.quota_gpus;
      const int lend = t.lending_limit < 0 ? t.quota_gpus : std::min(t.lending_limit, t.quota_gpus);
      pool_total_ += lend;
    }
    pool_total_ += std::max(0, cluster_.total_gpus() - quota_total_);  // GPUs outside every quota are shared
    const auto& r = spec.failure_rates;
    const int gpn = cluster_.gpus_per_node();
    node_hw_rate_ = gpn * (r.gpu_per_s + r.hbm_per_s) + r.node_per_s + spec.cluster.scale_out.nics_per_node * r.nic_per_s;
    node_sw_rate_ = gpn * r.software_per_s;
  }

  FleetResult run();

 private:
  /// What the run reports, once the loop has ended (fleet_results.cpp).
  FleetResult results();

  // ---- events and accounting
  void push(double t, EventType type, std::int32_t id = 0, std::uint32_t version = 0) {
    events_.push(Event{t, seq_++, type, id, version});
  }
  void advance(double t);
  void team_change(std::uint32_t team, int delta);

  // ---- jobs
  double estimate_of(std::uint32_t id) const {
    const FleetJob& fj = spec_.jobs[id];
    const double est = spec_.use_estimates && fj.estimate_s > 0 ? fj.estimate_s : jobs_[id].work_s;
    return std::max(0.0, est - jobs_[id].done_s);
  }
  /// A job's rank under a preemptive policy (lower first): LAS (queue, submit), SRTF (remaining, submit), priority
  /// (-priority, submit). A running SRTF job is keyed by its expected end (remaining = end - now).
  PKey rank_key(std::uint32_t id, bool running) const {
    const FleetJob& fj = spec_.jobs[id];
    const Job& j = jobs_[id];
    switch (spec_.policy) {
      case Policy::las: return PKey{static_cast<double>(j.las_level), fj.submit_s, id};
      case Policy::srtf: return PKey{running ? j.expected_end : estimate_of(id), fj.submit_s, id};
      default: return PKey{-static_cast<double>(fj.priority), fj.submit_s, id};
    }
  }
  void enqueue(std::uint32_t id);
  void dequeue(std::uint32_t id);
  bool try_start(std::uint32_t id);
  void start(std::uint32_t id);
  /// Stops a running job: its progress until now is counted, its GPUs are freed; it goes back to the queue.
  void stop(std::uint32_t id, bool failure);
  void complete(std::uint32_t id);
  /// What stopping and completing share: the job stops stepping and holding its GPUs, and leaves the running sets.
  void leave_cluster(std::uint32_t id);
  int min_pending_gpus() const { return pending_sizes_.empty() ? 0 : pending_sizes_.begin()->first; }
  int usable_batch_gpus() const {
    return cluster_.total_gpus() - cluster_.down_nodes() * cluster_.gpus_per_node() - service_gpus_;
  }

  // ---- scheduling
  void schedule();
  void schedule_list();
  void schedule_teams();
  void schedule_preemptive();
  bool admissible(std::uint32_t team, int gpus) const;
  double share(std::uint32_t team, int extra) const;
  bool reclaim_for(std::uint32_t id);
  bool fair_preempt_for(std::uint32_t id);
  /// Running jobs to preempt so that a gang of `gpus` fits, all `eligible`; empty when no such set exists.
  std::vector<std::uint32_t> victims_for(int gpus, const std::function<bool(std::uint32_t)>& eligible);
  /// Preempts victims_for(`id`'s GPUs) and starts `id`; false (nothing preempted) when no victims make room.
  bool preempt_and_start(std::uint32_t id, const std::function<bool(std::uint32_t)>& eligible);
  /// Victims of priority below `priority` that make room for `gpus` (services scaling up).
  std::vector<std::uint32_t> priority_victims(int gpus, int priority);

  // ---- failures, services, samples
  /// True when the failure stopped something (a job or a replica) or took a node out.
  bool on_failure();
  void autoscale();
  /// Service `s` takes (or gives back) the replica in allocation `slot`.
  void add_replica(std::size_t s, std::int32_t slot);
  void remove_replica(std::size_t s, std::int32_t slot);
  void sample();
  int place_slot(int gpus, Placement p);
  void release_slot(std::int32_t slot);

  const FleetSpec& spec_;
  Family family_;
  ClusterState cluster_;
  JobSpeed speed_;
  std::vector<Job> jobs_;
  std::vector<Allocation> allocs_;
  std::vector<std::int32_t> free_slots_;
  std::vector<std::vector<std::int32_t>> node_occupants_;  ///< job ids >= 0; service replicas -(1 + slot)
  std::vector<std::int32_t> slot_service_;                  ///< service index of a replica slot, -1 for jobs
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::uint64_t seq_ = 0;

  std::set<PKey> pending_;                         ///< list family
  std::vector<std::set<PKey>> team_queue_;         ///< teams family
  std::set<PKey> ranked_pending_;                  ///< preemptive family, by the policy's rank
  std::set<PKey> ranked_running_;                  ///< preemptive family, by the policy's rank
  double next_round_ = 0;                          ///< preemptive family: earliest full ranking pass
  bool round_pending_ = false;                     ///< a round event is queued
  std::map<int, int> pending_sizes_;               ///< GPUs -> pending jobs of that size
  std::set<std::pair<double, std::uint32_t>> running_by_end_;
  std::vector<std::uint32_t> running_;             ///< running batch jobs
  std::vector<std::int32_t> running_pos_;

  std::vector<int> team_alloc_;
  std::vector<double> team_area_, team_interval_area_, team_last_;
  std::vector<int> team_queued_, team_running_;  ///< jobs per team, now
  int quota_total_ = 0;
  int pool_total_ = 0;
  std::vector<ServiceState> services_;
  int service_gpus_ = 0;
  double node_hw_rate_ = 0;  ///< hardware interruptions per node per second (the node goes to repair)
  double node_sw_rate_ = 0;  ///< software interruptions per node per second (what runs there restarts)

  std::mt19937_64 rng_;
  double now_ = 0, last_ = 0;
  int alloc_gpus_ = 0;
  double busy_rate_ = 0;
  double alloc_area_ = 0, busy_area_ = 0, down_area_ = 0, lost_area_ = 0;
  double interval_alloc_ = 0, interval_busy_ = 0, interval_down_ = 0, interval_start_ = 0;
  double frag_sum_ = 0;
  std::int64_t frag_samples_ = 0;
  std::int64_t failures_ = 0, failures_hitting_ = 0, preemptions_ = 0;
  std::int64_t completed_ = 0;
  double last_completion_ = 0;
  double placed_gpu_s_ = 0, placed_slow_gpu_s_ = 0;
  FleetResult result_;
};

}  // namespace capsim::fleet::detail
