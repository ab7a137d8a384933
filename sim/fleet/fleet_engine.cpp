#include "sim/fleet/fleet_engine.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <queue>
#include <random>
#include <set>

#include "models/network/fabric_factory.hpp"
#include "sim/core/error.hpp"
#include "sim/fleet/cluster_state.hpp"
#include "sim/fleet/job_speed.hpp"

namespace capsim::fleet {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

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

Family family_of(Policy p) {
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

TimeStats stats_of(std::vector<double> v) {
  TimeStats s;
  s.count = static_cast<std::int64_t>(v.size());
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  auto pct = [&](double q) {
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
  };
  s.p50 = pct(0.5);
  s.p90 = pct(0.9);
  s.p99 = pct(0.99);
  s.max = v.back();
  return s;
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
  }

  FleetResult run();

 private:
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
  std::vector<int> team_queued_, team_running_;  ///< jobs per team, now
  std::vector<double> team_area_, team_interval_area_, team_last_;
  int quota_total_ = 0;
  int pool_total_ = 0;
  std::vector<ServiceState> services_;
  int service_gpus_ = 0;

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

// ------------------------------------------------------------------------------------------------ accounting

void Fleet::advance(double t) {
  const double dt = t - last_;
  if (dt > 0) {
    const double down = static_cast<double>(cluster_.down_nodes()) * cluster_.gpus_per_node();
    alloc_area_ += alloc_gpus_ * dt;
    busy_area_ += busy_rate_ * dt;
    down_area_ += down * dt;
    interval_alloc_ += alloc_gpus_ * dt;
    interval_busy_ += busy_rate_ * dt;
    interval_down_ += down * dt;
  }
  last_ = t;
  now_ = t;
}

void Fleet::team_change(std::uint32_t team, int delta) {
  const double dt = now_ - team_last_[team];
  team_area_[team] += team_alloc_[team] * dt;
  team_interval_area_[team] += team_alloc_[team] * dt;
  team_last_[team] = now_;
  team_alloc_[team] += delta;
}

int Fleet::place_slot(int gpus, Placement p) {
  Allocation a;
  if (!cluster_.place(gpus, p, a)) return -1;
  std::int32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
    allocs_[slot] = std::move(a);
  } else {
    slot = static_cast<std::int32_t>(allocs_.size());
    allocs_.push_back(std::move(a));
    slot_service_.push_back(-1);
  }
  return slot;
}

void Fleet::release_slot(std::int32_t slot) {
  cluster_.release(allocs_[slot]);
  allocs_[slot].parts.clear();
  slot_service_[slot] = -1;
  free_slots_.push_back(slot);
}

// ------------------------------------------------------------------------------------------------ jobs

void Fleet::enqueue(std::uint32_t id) {
  Job& j = jobs_[id];
  const FleetJob& fj = spec_.jobs[id];
  j.status = Status::pending;
  ++team_queued_[fj.team];
  ++pending_sizes_[fj.gpus];
  switch (family_) {
    case Family::list: {
      const bool sjf = spec_.policy == Policy::sjf;
      pending_.insert(PKey{sjf ? estimate_of(id) : fj.submit_s, sjf ? fj.submit_s : 0.0, id});
      break;
    }
    case Family::teams: team_queue_[fj.team].insert(PKey{-static_cast<double>(fj.priority), fj.submit_s, id}); break;
    case Family::preemptive: ranked_pending_.insert(rank_key(id, false)); break;
  }
}

void Fleet::dequeue(std::uint32_t id) {
  const FleetJob& fj = spec_.jobs[id];
  --team_queued_[fj.team];
  if (auto it = pending_sizes_.find(fj.gpus); it != pending_sizes_.end() && --it->second == 0) {
    pending_sizes_.erase(it);
  }
  switch (family_) {
    case Family::list: {
      const bool sjf = spec_.policy == Policy::sjf;
      pending_.erase(PKey{sjf ? estimate_of(id) : fj.submit_s, sjf ? fj.submit_s : 0.0, id});
      break;
    }
    case Family::teams: team_queue_[fj.team].erase(PKey{-static_cast<double>(fj.priority), fj.submit_s, id}); break;
    case Family::preemptive: ranked_pending_.erase(rank_key(id, false)); break;
  }
}

bool Fleet::try_start(std::uint32_t id) {
  const std::int32_t slot = place_slot(spec_.jobs[id].gpus, spec_.placement);
  if (slot < 0) return false;
  dequeue(id);
  jobs_[id].alloc = slot;
  start(id);
  return true;
}

void Fleet::start(std::uint32_t id) {
  Job& j = jobs_[id];
  const FleetJob& fj = spec_.jobs[id];
  const Allocation& a = allocs_[j.alloc];
  const ShapeCosts& c = speed_.costs(fj.shape, fj.gpus);
  j.speed = static_cast<float>(speed_.speed(fj.shape, fj.gpus, a.nodes, a.leaves));
  j.eff = c.interval_s > 0 ? c.interval_s / (c.interval_s + c.checkpoint_stall_s) : 1.0;
  j.rate = j.speed * j.eff;
  const bool resumed = j.first_start >= 0;
  if (!resumed) j.first_start = now_;
  double warmup = 0;
  if (resumed) warmup = spec_.restart_s + (j.saved_s > 0 ? c.restore_s : 0.0);
  j.seg_start = now_;
  j.step_start = now_ + warmup;
  j.stepping = false;
  j.status = Status::running;
  ++j.version;
  const double end = j.step_start + (j.work_s - j.done_s) / j.rate;
  push(end, EventType::complete, static_cast<std::int32_t>(id), j.version);
  if (warmup > 0) {
    push(j.step_start, EventType::stepping, static_cast<std::int32_t>(id), j.version);
  } else {
    j.stepping = true;
    busy_rate_ += fj.gpus * j.eff;
  }
  if (spec_.policy == Policy::las) {
    const auto& th = spec_.las_thresholds_gpu_s;
    if (j.las_level < static_cast<int>(th.size())) {
      const double t = now_ + std::max(0.0, th[j.las_level] - j.attained_gpu_s) / fj.gpus;
      push(t, EventType::demote, static_cast<std::int32_t>(id), j.version);
    }
  }
  const double expect = spec_.use_estimates && fj.estimate_s > 0 ? std::max(0.0, fj.estimate_s - j.done_s) / j.rate
                                                                  : (j.work_s - j.done_s) / j.rate;
  j.expected_end = j.step_start + expect;
  running_by_end_.insert({j.expected_end, id});
  if (family_ == Family::preemptive) ranked_running_.insert(rank_key(id, true));
  running_pos_[id] = static_cast<std::int32_t>(running_.size());
  running_.push_back(id);
  ++team_running_[fj.team];
  for (const auto& [node, g] : a.parts) node_occupants_[node].push_back(static_cast<std::int32_t>(id));
  alloc_gpus_ += fj.gpus;
  team_change(fj.team, fj.gpus);
  const double remaining_gpu_s = fj.gpus * (j.work_s - j.done_s);
  placed_gpu_s_ += remaining_gpu_s;
  placed_slow_gpu_s_ += remaining_gpu_s / j.speed;
}

void Fleet::stop(std::uint32_t id, bool failure) {
  Job& j = jobs_[id];
  const FleetJob& fj = spec_.jobs[id];
  const ShapeCosts& c = speed_.costs(fj.shape, fj.gpus);
  if (j.stepping) {
    busy_rate_ -= fj.gpus * j.eff;
    j.done_s = std::min(j.work_s, j.done_s + (now_ - j.step_start) * j.rate);
  }
  j.attained_gpu_s += fj.gpus * (now_ - j.seg_start);
  j.last_stop = now_;
  if (failure) {
    // Back to the last checkpoint: with checkpoints, the last multiple of the interval; without, the start.
    const double kept = spec_.checkpoints && c.interval_s > 0 ? std::floor(j.done_s / c.interval_s) * c.interval_s
                                                              : 0.0;
    const double saved = std::max(j.saved_s, std::min(kept, j.done_s));
    lost_area_ += fj.gpus * (j.done_s - saved) / std::max(1e-9, static_cast<double>(j.speed));
    j.saved_s = saved;
    j.done_s = saved;
  } else {
    // Preemption checkpoints first (Tiresias suspends; Kueue lets a job save on SIGTERM), so nothing is lost.
    j.saved_s = j.done_s;
    ++j.preemptions;
    ++preemptions_;
  }
  ++j.restarts;
  ++j.version;
  j.stepping = false;
  running_by_end_.erase({j.expected_end, id});
  if (family_ == Family::preemptive) ranked_running_.erase(rank_key(id, true));
  const std::int32_t at = running_pos_[id];
  running_[at] = running_.back();
  running_pos_[running_[at]] = at;
  running_.pop_back();
  --team_running_[fj.team];
  for (const auto& [node, g] : allocs_[j.alloc].parts) {
    auto& occ = node_occupants_[node];
    occ.erase(std::find(occ.begin(), occ.end(), static_cast<std::int32_t>(id)));
  }
  release_slot(j.alloc);
  j.alloc = -1;
  alloc_gpus_ -= fj.gpus;
  team_change(fj.team, -fj.gpus);
  enqueue(id);
}

void Fleet::complete(std::uint32_t id) {
  Job& j = jobs_[id];
  const FleetJob& fj = spec_.jobs[id];
  if (j.stepping) busy_rate_ -= fj.gpus * j.eff;
  j.attained_gpu_s += fj.gpus * (now_ - j.seg_start);
  j.done_s = j.work_s;
  j.finish = now_;
  j.status = Status::done;
  j.stepping = false;
  ++j.version;
  running_by_end_.erase({j.expected_end, id});
  if (family_ == Family::preemptive) ranked_running_.erase(rank_key(id, true));
  const std::int32_t at = running_pos_[id];
  running_[at] = running_.back();
  running_pos_[running_[at]] = at;
  running_.pop_back();
  --team_running_[fj.team];
  for (const auto& [node, g] : allocs_[j.alloc].parts) {
    auto& occ = node_occupants_[node];
    occ.erase(std::find(occ.begin(), occ.end(), static_cast<std::int32_t>(id)));
  }
  release_slot(j.alloc);
  j.alloc = -1;
  alloc_gpus_ -= fj.gpus;
  team_change(fj.team, -fj.gpus);
  ++completed_;
  last_completion_ = now_;
}

// ------------------------------------------------------------------------------------------------ scheduling

void Fleet::schedule() {
  switch (family_) {
    case Family::list: schedule_list(); break;
    case Family::teams: schedule_teams(); break;
    case Family::preemptive: schedule_preemptive(); break;
  }
}

void Fleet::schedule_list() {
  const Policy p = spec_.policy;
  int smallest_failed = std::numeric_limits<int>::max();
  bool reserved = false;
  double shadow_t = 0;
  int extra = 0;
  int tried_after_head = 0;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (cluster_.free_gpus() == 0 || pending_.empty() || smallest_failed <= min_pending_gpus()) break;
    const std::uint32_t id = it->id;
    const int g = spec_.jobs[id].gpus;
    ++it;  // try_start erases the current element
    if (reserved) {
      if (++tried_after_head > spec_.backfill_depth) break;
      const bool ends_before = now_ + estimate_of(id) <= shadow_t;
      if (!ends_before && g > extra) continue;
      if (g >= smallest_failed) continue;
      if (try_start(id)) {
        if (!ends_before) extra -= g;
      } else {
        smallest_failed = g;
      }
      continue;
    }
    if (g < smallest_failed && try_start(id)) continue;
    smallest_failed = std::min(smallest_failed, g);
    if (p == Policy::fifo) break;
    if (p == Policy::fifo_backfill) {
      // EASY: reserve the head's start at the earliest time enough GPUs free up, by the jobs' expected ends.
      int avail = cluster_.free_gpus();
      shadow_t = kInf;
      for (const auto& [end, rid] : running_by_end_) {
        avail += spec_.jobs[rid].gpus;
        if (avail >= g) {
          shadow_t = std::max(end, now_);
          break;
        }
      }
      extra = avail - g;
      reserved = true;
      smallest_failed = std::numeric_limits<int>::max();  // later jobs are judged against the reservation
    }
  }
}

bool Fleet::admissible(std::uint32_t team, int gpus) const {
  const Team& t = spec_.teams[team];
  const int use = team_alloc_[team];
  switch (spec_.policy) {
    case Policy::quota: return use + gpus <= t.quota_gpus;
    case Policy::quota_borrow: {
      if (use + gpus <= t.quota_gpus) return true;
      const int borrow = use + gpus - t.quota_gpus;
      if (t.borrowing_limit >= 0 && borrow > t.borrowing_limit) return false;
      // The cohort's pool: every team's lendable quota plus GPUs outside all quotas. A team's use beyond its
      // private (non-lendable) quota draws on the pool.
      int pool_used = 0;
      for (std::size_t u = 0; u < spec_.teams.size(); ++u) {
        const Team& tu = spec_.teams[u];
        const int lend = tu.lending_limit < 0 ? tu.quota_gpus : std::min(tu.lending_limit, tu.quota_gpus);
        pool_used += std::max(0, team_alloc_[u] - (tu.quota_gpus - lend));
      }
      const int lend = t.lending_limit < 0 ? t.quota_gpus : std::min(t.lending_limit, t.quota_gpus);
      const int priv = t.quota_gpus - lend;
      const int delta = std::max(0, use + gpus - priv) - std::max(0, use - priv);
      return pool_used + delta <= pool_total_;
    }
    default: return true;
  }
}

double Fleet::share(std::uint32_t team, int extra) const {
  const Team& t = spec_.teams[team];
  const double w = t.weight > 0 ? t.weight : 1e-9;
  const double use = team_alloc_[team] + extra;
  if (quota_total_ > 0) return std::max(0.0, use - t.quota_gpus) / (std::max(1, pool_total_) * w);
  return use / (cluster_.total_gpus() * w);
}

void Fleet::schedule_teams() {
  const std::size_t teams = spec_.teams.size();
  std::vector<char> blocked(teams, 0);
  std::vector<std::uint32_t> order(teams);
  // Each round starts a job or blocks a team; the cap only guards against a preemption cycle.
  std::size_t rounds = 4 * (running_.size() + spec_.jobs.size()) + teams;
  while (rounds-- > 0 && (cluster_.free_gpus() > 0 || spec_.policy == Policy::quota_borrow || spec_.policy == Policy::fair_share)) {
    // Teams in the policy's order: Kueue orders heads by priority then age; fair sharing and DRF by share.
    order.clear();
    for (std::uint32_t t = 0; t < teams; ++t) {
      if (!blocked[t] && !team_queue_[t].empty()) order.push_back(t);
    }
    if (order.empty()) break;
    auto head_key = [&](std::uint32_t t) { return *team_queue_[t].begin(); };
    if (spec_.policy == Policy::drf || spec_.policy == Policy::fair_share) {
      std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
        const double sx = spec_.policy == Policy::drf ? team_alloc_[x] / std::max(1e-9, spec_.teams[x].weight)
                                                      : share(x, spec_.jobs[head_key(x).id].gpus);
        const double sy = spec_.policy == Policy::drf ? team_alloc_[y] / std::max(1e-9, spec_.teams[y].weight)
                                                      : share(y, spec_.jobs[head_key(y).id].gpus);
        if (sx != sy) return sx < sy;
        return head_key(x) < head_key(y);
      });
    } else {
      std::sort(order.begin(), order.end(),
                [&](std::uint32_t x, std::uint32_t y) { return head_key(x) < head_key(y); });
    }
    const std::uint32_t t = order.front();
    // Best effort inside the team's queue (Kueue BestEffortFIFO): the first job, within the scan depth, that is
    // admissible and fits.
    bool started = false;
    int smallest_failed = std::numeric_limits<int>::max();
    int tried = 0;
    for (auto it = team_queue_[t].begin(); it != team_queue_[t].end() && tried < spec_.backfill_depth; ++tried) {
      const std::uint32_t id = it->id;
      ++it;
      const int g = spec_.jobs[id].gpus;
      if (!admissible(t, g)) continue;
      if (g < smallest_failed && try_start(id)) {
        started = true;
        break;
      }
      smallest_failed = std::min(smallest_failed, g);
      const bool own_quota = team_alloc_[t] + g <= spec_.teams[t].quota_gpus;
      if (spec_.policy == Policy::quota_borrow && own_quota && reclaim_for(id)) {
        started = true;
        break;
      }
      if (spec_.policy == Policy::fair_share && fair_preempt_for(id)) {
        started = true;
        break;
      }
    }
    if (!started) blocked[t] = 1;
  }
}

std::vector<std::uint32_t> Fleet::victims_for(int gpus, const std::function<bool(std::uint32_t)>& eligible) {
  // Preemption must free room where the gang can go, not just GPUs somewhere: for a one-node gang, the node that
  // needs the fewest victim GPUs; for a larger one, whole nodes whose jobs may all go, emptiest first. Victims on a
  // node go lowest priority first, then the most recently started.
  const int gpn = cluster_.gpus_per_node();
  auto order = [&](std::uint32_t x, std::uint32_t y) {
    if (spec_.jobs[x].priority != spec_.jobs[y].priority) return spec_.jobs[x].priority < spec_.jobs[y].priority;
    if (jobs_[x].seg_start != jobs_[y].seg_start) return jobs_[x].seg_start > jobs_[y].seg_start;
    return x > y;
  };
  std::vector<std::uint32_t> on_node;
  if (gpus <= gpn) {
    std::vector<std::uint32_t> best;
    int best_cost = std::numeric_limits<int>::max();
    for (int node = 0; node < cluster_.nodes(); ++node) {
      if (cluster_.is_down(node)) continue;
      on_node.clear();
      for (std::int32_t who : node_occupants_[node]) {
        if (who >= 0 && eligible(static_cast<std::uint32_t>(who))) on_node.push_back(static_cast<std::uint32_t>(who));
      }
      std::sort(on_node.begin(), on_node.end(), order);
      int free = cluster_.free_on(node);
      int cost = 0;
      std::size_t used = 0;
      while (free < gpus && used < on_node.size()) {
        const std::uint32_t v = on_node[used++];
        for (const auto& [n, g] : allocs_[jobs_[v].alloc].parts) {
          if (n == node) free += g;
        }
        cost += spec_.jobs[v].gpus;
      }
      if (free >= gpus && cost < best_cost) {
        best_cost = cost;
        best.assign(on_node.begin(), on_node.begin() + static_cast<std::ptrdiff_t>(used));
      }
    }
    return best;
  }
  const int whole = (gpus + gpn - 1) / gpn;
  std::vector<std::pair<int, int>> candidates;  // (cost, node)
  for (int node = 0; node < cluster_.nodes(); ++node) {
    if (cluster_.is_down(node)) continue;
    int cost = 0;
    bool ok = true;
    for (std::int32_t who : node_occupants_[node]) {
      ok = ok && who >= 0 && eligible(static_cast<std::uint32_t>(who));
      if (ok) cost += spec_.jobs[who].gpus;
    }
    if (ok) candidates.emplace_back(cost, node);
  }
  if (static_cast<int>(candidates.size()) < whole) return {};
  std::partial_sort(candidates.begin(), candidates.begin() + whole, candidates.end());
  std::vector<std::uint32_t> victims;
  for (int i = 0; i < whole; ++i) {
    for (std::int32_t who : node_occupants_[candidates[i].second]) victims.push_back(static_cast<std::uint32_t>(who));
  }
  std::sort(victims.begin(), victims.end());
  victims.erase(std::unique(victims.begin(), victims.end()), victims.end());
  return victims;
}

bool Fleet::preempt_and_start(std::uint32_t id, const std::function<bool(std::uint32_t)>& eligible) {
  const std::vector<std::uint32_t> victims = victims_for(spec_.jobs[id].gpus, eligible);
  if (victims.empty()) return false;
  for (std::uint32_t v : victims) stop(v, false);
  return try_start(id);
}

bool Fleet::reclaim_for(std::uint32_t id) {
  // Kueue reclaimWithinCohort: a job within its team's own quota takes back GPUs that other teams borrowed:
  // victims are jobs of teams above their quota, and only as many as keep their team at or above it.
  std::vector<int> above(spec_.teams.size());
  for (std::size_t t = 0; t < spec_.teams.size(); ++t) above[t] = team_alloc_[t] - spec_.teams[t].quota_gpus;
  return preempt_and_start(id, [&](std::uint32_t v) {
    const std::uint32_t team = spec_.jobs[v].team;
    return above[team] >= spec_.jobs[v].gpus;
  });
}

bool Fleet::fair_preempt_for(std::uint32_t id) {
  // Kueue fair sharing, strategy LessThanOrEqualToFinalShare: a victim's team must be above its fair share now
  // (borrowing, or above the preemptor's share when nobody has quota) and the preemptor's share with the new job
  // must stay at or below the victim team's share without the victim.
  const FleetJob& fj = spec_.jobs[id];
  const double mine = share(fj.team, fj.gpus);
  return preempt_and_start(id, [&](std::uint32_t v) {
    const FleetJob& vj = spec_.jobs[v];
    if (vj.team == fj.team) return false;
    const double theirs = share(vj.team, 0);
    if (theirs <= 0 || theirs <= share(fj.team, 0)) return false;
    return mine <= share(vj.team, -vj.gpus);
  });
}

void Fleet::schedule_preemptive() {
  // Tiresias: in rank order, every job that fits the cluster gets GPUs, and running jobs ranked below it that no
  // longer fit are preempted. Walked from both ends: pending jobs best first, each taking free GPUs and, when short,
  // the GPUs of the worst-ranked running jobs below it; so a pass costs what it changes, not the queue's length.
  // Preemption is decided at most once per scheduling round (FleetSpec::preemption_round_s, as Gavel's rounds and
  // Synergy's leases); in between, pending jobs only take free GPUs.
  if (ranked_pending_.empty()) return;
  const bool may_preempt = now_ >= next_round_;
  if (may_preempt) {
    next_round_ = now_ + spec_.preemption_round_s;
  } else if (!round_pending_) {
    push(next_round_, EventType::round);
    round_pending_ = true;
  }
  if (may_preempt && spec_.policy == Policy::las && spec_.las_starvation_factor > 0) {
    std::vector<std::uint32_t> starved;
    for (const PKey& k : ranked_pending_) {
      const Job& j = jobs_[k.id];
      const double executed = j.attained_gpu_s / spec_.jobs[k.id].gpus;
      if (j.las_level > 0 && now_ - j.last_stop >= spec_.las_starvation_factor * executed) starved.push_back(k.id);
    }
    for (std::uint32_t id : starved) {
      ranked_pending_.erase(rank_key(id, false));
      jobs_[id].las_level = 0;
      jobs_[id].attained_gpu_s = 0;
      ranked_pending_.insert(rank_key(id, false));
    }
  }
  // Does running job `r` outrank pending job `p`? A running job wins ties of rank (no preemption among equals);
  // SRTF compares remaining time, for a running job its expected end minus now.
  auto running_outranks = [&](const PKey& r, const PKey& p) {
    const double ra = spec_.policy == Policy::srtf ? std::max(0.0, r.a - now_) : r.a;
    if (ra != p.a) return ra < p.a;
    if (spec_.policy == Policy::priority) return true;
    if (r.b != p.b) return r.b < p.b;
    return r.id < p.id;
  };
  int avail = usable_batch_gpus() - (alloc_gpus_ - service_gpus_);  // GPUs no batch job holds (free, or stranded)
  std::vector<std::uint32_t> chosen, evict;
  auto worst = ranked_running_.rbegin();
  for (auto pit = ranked_pending_.begin(); pit != ranked_pending_.end(); ++pit) {
    const int g = spec_.jobs[pit->id].gpus;
    const bool can_evict = may_preempt && worst != ranked_running_.rend() && !running_outranks(*worst, *pit);
    if (avail < min_pending_gpus() && !can_evict) break;  // later jobs rank lower still: nothing more fits
    if (g > avail && can_evict) {
      int got = 0;
      auto w = worst;
      std::vector<std::uint32_t> taken;
      while (avail + got < g && w != ranked_running_.rend() && !running_outranks(*w, *pit)) {
        taken.push_back(w->id);
        got += spec_.jobs[w->id].gpus;
        ++w;
      }
      if (avail + got >= g) {
        evict.insert(evict.end(), taken.begin(), taken.end());
        avail += got;
        worst = w;
      }
    }
    if (g <= avail) {
      chosen.push_back(pit->id);
      avail -= g;
    }
  }
  for (std::uint32_t id : evict) stop(id, false);
  for (std::uint32_t id : chosen) {
    if (cluster_.free_gpus() == 0) break;
    try_start(id);
  }
}

std::vector<std::uint32_t> Fleet::priority_victims(int gpus, int priority) {
  return victims_for(gpus, [&](std::uint32_t v) { return spec_.jobs[v].priority < priority; });
}

// ------------------------------------------------------------------------------------------------ failures

bool Fleet::on_failure() {
  // One interruption somewhere in the cluster: a node-level component (hardware) drains the node for repair; a
  // software fault (NCCL timeout, a bug) restarts what runs there and leaves the node up.
  const auto& r = spec_.failure_rates;
  const int gpn = cluster_.gpus_per_node();
  const auto& so = spec_.cluster.scale_out;
  const double hw_rate = gpn * (r.gpu_per_s + r.hbm_per_s) + r.node_per_s + so.nics_per_node * r.nic_per_s;
  const double sw_rate = gpn * r.software_per_s;
  std::uniform_int_distribution<int> pick(0, cluster_.nodes() - 1);
  std::uniform_real_distribution<double> u(0, 1);
  const int node = pick(rng_);
  const bool hardware = u(rng_) * (hw_rate + sw_rate) < hw_rate;
  ++failures_;
  if (cluster_.is_down(node)) return false;  // already in repair: nothing runs there
  const auto occupants = node_occupants_[node];
  if (!occupants.empty()) ++failures_hitting_;
  for (std::int32_t who : occupants) {
    if (who >= 0) {
      stop(static_cast<std::uint32_t>(who), true);
    } else {
      const std::int32_t slot = -1 - who;
      const int s = slot_service_[slot];
      auto& reps = services_[s].replicas;
      reps.erase(std::find(reps.begin(), reps.end(), slot));
      const int g = spec_.services[s].replica_gpus;
      for (const auto& [n, gg] : allocs_[slot].parts) {
        auto& occ = node_occupants_[n];
        occ.erase(std::find(occ.begin(), occ.end(), who));
      }
      release_slot(slot);
      alloc_gpus_ -= g;
      busy_rate_ -= g;
      service_gpus_ -= g;
      team_change(spec_.services[s].team, -g);
    }
  }
  if (hardware) {
    cluster_.set_down(node, true);
    push(now_ + spec_.repair_s, EventType::repair, node);
  }
  return hardware || !occupants.empty();
}

// ------------------------------------------------------------------------------------------------ services

void Fleet::autoscale() {
  const double hour = std::fmod(now_ / 3600.0, 24.0);
  for (std::size_t s = 0; s < spec_.services.size(); ++s) {
    const FleetService& svc = spec_.services[s];
    ServiceState& st = services_[s];
    const double rate = svc.peak_rps * svc.curve[static_cast<std::size_t>(hour) % 24];
    const int target = std::max(svc.min_replicas,
                                static_cast<int>(std::ceil(rate * (1 + svc.headroom) / svc.replica_capacity_rps)));
    auto add_replica = [&](std::int32_t slot) {
      slot_service_[slot] = static_cast<std::int32_t>(s);
      st.replicas.push_back(slot);
      for (const auto& [n, g] : allocs_[slot].parts) node_occupants_[n].push_back(-1 - slot);
      alloc_gpus_ += svc.replica_gpus;
      busy_rate_ += svc.replica_gpus;
      service_gpus_ += svc.replica_gpus;
      team_change(svc.team, svc.replica_gpus);
    };
    while (static_cast<int>(st.replicas.size()) < target) {
      std::int32_t slot = place_slot(svc.replica_gpus, Placement::packed);
      if (slot < 0) {
        const auto victims = priority_victims(svc.replica_gpus, svc.priority);
        for (std::uint32_t v : victims) stop(v, false);
        st.preemptions_caused += static_cast<std::int64_t>(victims.size());
        if (!victims.empty()) slot = place_slot(svc.replica_gpus, Placement::packed);
      }
      if (slot < 0) break;
      add_replica(slot);
    }
    while (static_cast<int>(st.replicas.size()) > target) {
      const std::int32_t slot = st.replicas.back();
      st.replicas.pop_back();
      for (const auto& [n, g] : allocs_[slot].parts) {
        auto& occ = node_occupants_[n];
        occ.erase(std::find(occ.begin(), occ.end(), -1 - slot));
      }
      release_slot(slot);
      alloc_gpus_ -= svc.replica_gpus;
      busy_rate_ -= svc.replica_gpus;
      service_gpus_ -= svc.replica_gpus;
      team_change(svc.team, -svc.replica_gpus);
    }
    ++st.ticks;
    if (static_cast<int>(st.replicas.size()) >= target) ++st.met;
    st.replica_ticks += static_cast<double>(st.replicas.size());
    st.peak = std::max(st.peak, static_cast<int>(st.replicas.size()));
  }
}

// ------------------------------------------------------------------------------------------------ samples

void Fleet::sample() {
  const double dt = now_ - interval_start_;
  TimeSample s;
  s.t_s = interval_start_;
  if (dt > 0) {
    s.allocated = interval_alloc_ / dt;
    s.busy = interval_busy_ / dt;
    s.down = interval_down_ / dt;
  }
  const std::size_t pending = family_ == Family::list ? pending_.size()
                              : family_ == Family::preemptive
                                  ? ranked_pending_.size()
                                  : std::accumulate(team_queue_.begin(), team_queue_.end(), std::size_t{0},
                                                    [](std::size_t n, const auto& q) { return n + q.size(); });
  s.queued = static_cast<std::int32_t>(pending);
  s.running = static_cast<std::int32_t>(running_.size());
  if (pending > 0 && cluster_.free_gpus() > 0) {
    const int need = std::min(min_pending_gpus(), cluster_.gpus_per_node());
    s.fragmented = cluster_.stranded(need);
    frag_sum_ += s.fragmented / cluster_.total_gpus();
    ++frag_samples_;
  } else if (pending > 0) {
    ++frag_samples_;
  }
  s.team_allocated.resize(spec_.teams.size());
  s.team_queued = team_queued_;
  s.team_running = team_running_;
  for (std::uint32_t t = 0; t < spec_.teams.size(); ++t) {
    team_change(t, 0);
    s.team_allocated[t] = dt > 0 ? team_interval_area_[t] / dt : 0;
    team_interval_area_[t] = 0;
  }
  result_.series.push_back(std::move(s));
  interval_alloc_ = interval_busy_ = interval_down_ = 0;
  interval_start_ = now_;
}

// ------------------------------------------------------------------------------------------------ the loop

FleetResult Fleet::run() {
  const std::size_t n = spec_.jobs.size();
  running_pos_.assign(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    const FleetJob& fj = spec_.jobs[i];
    if (fj.duration_s > 0) {
      jobs_[i].work_s = fj.duration_s;
    } else {
      const ShapeCosts& c = speed_.costs(fj.shape, fj.gpus);
      jobs_[i].work_s = std::ceil(fj.tokens / c.tokens_per_step) * c.step_s;
    }
  }
  const double horizon = spec_.horizon_s > 0 ? spec_.horizon_s : kInf;
  // Failures: one Poisson process over all nodes (per-node rates are equal), drawn in order.
  const auto& r = spec_.failure_rates;
  const int gpn = cluster_.gpus_per_node();
  const double node_rate = gpn * (r.gpu_per_s + r.hbm_per_s + r.software_per_s) + r.node_per_s +
                           spec_.cluster.scale_out.nics_per_node * r.nic_per_s;
  const double cluster_rate = spec_.failures ? node_rate * cluster_.nodes() : 0;
  std::exponential_distribution<double> gap(cluster_rate > 0 ? cluster_rate : 1.0);
  if (cluster_rate > 0) push(gap(rng_), EventType::failure);
  if (!spec_.services.empty()) push(0, EventType::autoscale);
  push(spec_.sample_interval_s, EventType::sample);

  std::size_t next_arrival = 0;
  std::int64_t idle_passes = 0;
  double stuck_since = -1;
  while (true) {
    const double t_event = events_.empty() ? kInf : events_.top().t;
    const double t_arrival = next_arrival < n ? spec_.jobs[next_arrival].submit_s : kInf;
    const double t = std::min(t_event, t_arrival);
    const bool batch_left = completed_ < static_cast<std::int64_t>(n);
    if (t == kInf || t > horizon) break;
    if (!batch_left && (spec_.services.empty() || spec_.horizon_s <= 0)) break;
    // A queue that nothing drains (no job running or arriving, no node in repair, services through two daily
    // cycles): stop, and say so, rather than tick forever.
    if (next_arrival >= n && running_.empty() && cluster_.down_nodes() == 0 && batch_left) {
      if (stuck_since < 0) stuck_since = t;
      if (t - stuck_since > (spec_.services.empty() ? 0.0 : 48 * 3600.0) && ++idle_passes > 1) {
        result_.warnings.push_back(std::to_string(n - completed_) +
                                   " jobs never started: the policy never admits them or they need more GPUs than "
                                   "the cluster leaves them; the run stops at " +
                                   std::to_string(static_cast<long long>(t / 3600)) + " h");
        break;
      }
    } else {
      stuck_since = -1;
      idle_passes = 0;
    }
    advance(t);
    bool changed = false;
    while (!events_.empty() && events_.top().t <= t) {
      const Event e = events_.top();
      events_.pop();
      switch (e.type) {
        case EventType::complete:
          if (jobs_[e.id].version == e.version && jobs_[e.id].status == Status::running) {
            complete(e.id);
            changed = true;
          }
          break;
        case EventType::stepping: {
          Job& j = jobs_[e.id];
          if (j.version == e.version && j.status == Status::running) {
            j.stepping = true;
            busy_rate_ += spec_.jobs[e.id].gpus * j.eff;
          }
          break;
        }
        case EventType::demote: {
          Job& j = jobs_[e.id];
          if (j.version == e.version && j.status == Status::running) {
            ranked_running_.erase(rank_key(static_cast<std::uint32_t>(e.id), true));
            ++j.las_level;
            ranked_running_.insert(rank_key(static_cast<std::uint32_t>(e.id), true));
            changed = true;
            const auto& th = spec_.las_thresholds_gpu_s;
            if (j.las_level < static_cast<int>(th.size())) {
              const double attained = j.attained_gpu_s + spec_.jobs[e.id].gpus * (now_ - j.seg_start);
              push(now_ + std::max(0.0, th[j.las_level] - attained) / spec_.jobs[e.id].gpus, EventType::demote, e.id,
                   j.version);
            }
          }
          break;
        }
        case EventType::failure:
          changed = on_failure() || changed;
          if (batch_left || !spec_.services.empty()) push(now_ + gap(rng_), EventType::failure);
          break;
        case EventType::repair:
          cluster_.set_down(e.id, false);
          changed = true;
          break;
        case EventType::autoscale:
          autoscale();
          changed = true;
          push(now_ + spec_.autoscale_interval_s, EventType::autoscale);
          break;
        case EventType::round:
          round_pending_ = false;
          changed = true;
          break;
        case EventType::sample:
          sample();
          push(now_ + spec_.sample_interval_s, EventType::sample);
          break;
      }
    }
    while (next_arrival < n && spec_.jobs[next_arrival].submit_s <= t) {
      enqueue(static_cast<std::uint32_t>(next_arrival++));
      changed = true;
    }
    // Only what frees GPUs, adds jobs or reorders the queue calls for a pass; a job leaving its restart, a sample
    // or a stale event does not.
    if (changed) schedule();
  }
  const double end = std::min(horizon, std::max(now_, last_completion_));
  advance(std::max(end, now_));
  if (now_ > interval_start_) sample();

  // ---- results
  FleetResult& res = result_;
  res.policy = policy_name(spec_.policy);
  res.placement = placement_name(spec_.placement);
  res.cluster_gpus = cluster_.total_gpus();
  res.jobs_submitted = static_cast<std::int64_t>(n);
  res.jobs_completed = completed_;
  res.jobs_unfinished = static_cast<std::int64_t>(n) - completed_;
  res.horizon_s = now_;
  res.makespan_s = completed_ > 0 && n > 0 ? last_completion_ - spec_.jobs.front().submit_s : 0;
  const double capacity = static_cast<double>(cluster_.total_gpus()) * std::max(1e-9, now_);
  res.gpu_allocation = alloc_area_ / capacity;
  res.gpu_busy = busy_area_ / capacity;
  res.goodput = std::max(0.0, busy_area_ - lost_area_) / capacity;
  res.mean_fragmentation = frag_samples_ > 0 ? frag_sum_ / static_cast<double>(frag_samples_) : 0;
  res.placement_slowdown = placed_gpu_s_ > 0 ? placed_slow_gpu_s_ / placed_gpu_s_ : 1;
  res.failures = failures_;
  res.failures_hitting_jobs = failures_hitting_;
  res.preemptions = preemptions_;
  res.speed_evaluations = speed_.evaluations();

  const std::size_t teams = spec_.teams.size();
  std::vector<std::vector<double>> team_jct(teams), team_queue(teams);
  std::vector<double> jct, queue, rho_sum(teams, 0), rho_max(teams, 0);
  std::vector<double> demand(teams, 0);
  static const std::vector<std::pair<int, int>> classes{{1, 1}, {2, 8}, {9, 64}, {65, 512}, {513, 1 << 30}};
  std::vector<std::vector<double>> size_jct(classes.size()), size_queue(classes.size());
  std::vector<double> size_slow(classes.size(), 0);
  double slow_sum = 0;
  std::int64_t restarts_completed = 0;
  res.teams.resize(teams);
  for (std::size_t t = 0; t < teams; ++t) {
    team_change(static_cast<std::uint32_t>(t), 0);
    const Team& tm = spec_.teams[t];
    res.teams[t].name = tm.name;
    res.teams[t].quota_gpus = tm.quota_gpus;
    res.teams[t].weight = tm.weight;
    res.teams[t].gpu_hours = team_area_[t] / 3600.0;
  }
  double weight_total = 0;
  for (const auto& tm : spec_.teams) weight_total += tm.weight;
  for (std::size_t i = 0; i < n; ++i) {
    const FleetJob& fj = spec_.jobs[i];
    const Job& j = jobs_[i];
    TeamResult& tr = res.teams[fj.team];
    ++tr.jobs_submitted;
    tr.preemptions += j.preemptions;
    tr.restarts += j.restarts;
    demand[fj.team] += j.work_s * fj.gpus;
    std::size_t cls = 0;
    while (cls + 1 < classes.size() && fj.gpus > classes[cls].second) ++cls;
    if (j.first_start >= 0) {
      const double q = j.first_start - fj.submit_s;
      queue.push_back(q);
      team_queue[fj.team].push_back(q);
      size_queue[cls].push_back(q);
    }
    if (j.status != Status::done) continue;
    const double c = j.finish - fj.submit_s;
    jct.push_back(c);
    team_jct[fj.team].push_back(c);
    size_jct[cls].push_back(c);
    ++tr.jobs_completed;
    tr.useful_gpu_hours += j.work_s * fj.gpus / 3600.0;
    const double slow = c / std::max(1e-9, j.work_s);
    slow_sum += slow;
    size_slow[cls] += slow;
    restarts_completed += j.restarts;
    // Finish-time fairness: JCT against the job alone on its team's entitled GPUs.
    const double entitled_gpus =
        quota_total_ > 0 ? std::max(1, spec_.teams[fj.team].quota_gpus)
                         : cluster_.total_gpus() * spec_.teams[fj.team].weight / std::max(1e-9, weight_total);
    const double iso = j.work_s * std::max(1.0, fj.gpus / std::max(1e-9, entitled_gpus));
    const double rho = c / std::max(1e-9, iso);
    rho_sum[fj.team] += rho;
    rho_max[fj.team] = std::max(rho_max[fj.team], rho);
    if (fj.deadline_s > 0) (j.finish <= fj.deadline_s ? res.deadlines_met : res.deadlines_missed)++;
  }
  if (spec_.record_jobs) {
    res.jobs.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const Job& j = jobs_[i];
      res.jobs.push_back(JobRecord{spec_.jobs[i].submit_s, j.first_start, j.finish, spec_.jobs[i].gpus,
                                   spec_.jobs[i].team, j.restarts, j.preemptions, j.speed});
    }
  }
  res.jct = stats_of(std::move(jct));
  res.queue = stats_of(std::move(queue));
  res.mean_slowdown = completed_ > 0 ? slow_sum / static_cast<double>(completed_) : 0;
  res.restarts_per_job = completed_ > 0 ? static_cast<double>(restarts_completed) / completed_ : 0;
  double held_total = 0, demand_total = 0;
  for (std::size_t t = 0; t < teams; ++t) {
    held_total += res.teams[t].gpu_hours;
    demand_total += demand[t];
  }
  for (std::size_t t = 0; t < teams; ++t) {
    TeamResult& tr = res.teams[t];
    tr.jct = stats_of(std::move(team_jct[t]));
    tr.queue = stats_of(std::move(team_queue[t]));
    tr.share = held_total > 0 ? tr.gpu_hours / held_total : 0;
    tr.entitlement = quota_total_ > 0 ? static_cast<double>(tr.quota_gpus) / cluster_.total_gpus()
                                      : tr.weight / std::max(1e-9, weight_total);
    tr.demand_share = demand_total > 0 ? demand[t] / demand_total : 0;
    tr.mean_ftf_rho = tr.jobs_completed > 0 ? rho_sum[t] / static_cast<double>(tr.jobs_completed) : 0;
    tr.max_ftf_rho = rho_max[t];
  }
  for (std::size_t c = 0; c < classes.size(); ++c) {
    SizeClassResult sc;
    sc.min_gpus = classes[c].first;
    sc.max_gpus = classes[c].second;
    sc.label = c + 1 < classes.size() ? (sc.min_gpus == sc.max_gpus ? std::to_string(sc.min_gpus)
                                                                    : std::to_string(sc.min_gpus) + "-" +
                                                                          std::to_string(sc.max_gpus))
                                      : "> 512";
    sc.jobs_completed = static_cast<std::int64_t>(size_jct[c].size());
    sc.mean_slowdown = sc.jobs_completed > 0 ? size_slow[c] / static_cast<double>(sc.jobs_completed) : 0;
    sc.jct = stats_of(std::move(size_jct[c]));
    sc.queue = stats_of(std::move(size_queue[c]));
    if (sc.jct.count > 0 || sc.queue.count > 0) res.sizes.push_back(std::move(sc));
  }
  for (std::size_t s = 0; s < spec_.services.size(); ++s) {
    const ServiceState& st = services_[s];
    ServiceResult sr;
    sr.name = spec_.services[s].name;
    sr.team = spec_.teams[spec_.services[s].team].name;
    sr.slo = spec_.services[s].slo;
    sr.slo_attainment = st.ticks > 0 ? static_cast<double>(st.met) / static_cast<double>(st.ticks) : 1;
    sr.mean_replicas = st.ticks > 0 ? st.replica_ticks / static_cast<double>(st.ticks) : 0;
    sr.peak_replicas = st.peak;
    sr.gpu_hours = sr.mean_replicas * spec_.services[s].replica_gpus * now_ / 3600.0;
    sr.preemptions_caused = st.preemptions_caused;
    res.services.push_back(std::move(sr));
  }
  return std::move(res);
}

}  // namespace

int fleet_nodes_per_leaf(const hw::ClusterSpec& cluster) {
  const net::FabricShape shape = net::fabric_shape(cluster);
  return std::max(1, static_cast<int>(std::floor(shape.nodes_per_leaf)));
}

FleetResult run_fleet(const FleetSpec& spec) {
  if (spec.teams.empty()) throw Error("a fleet needs at least one team");
  if (spec.shapes.empty()) throw Error("a fleet needs its reference workload (shapes[0])");
  Fleet fleet(spec);
  return fleet.run();
}

const std::vector<std::string>& policy_names() {
  static const std::vector<std::string> names{"fifo", "fifo-backfill", "best-effort-fifo", "sjf", "srtf", "las",
                                              "priority", "quota", "quota-borrow", "fair-share", "drf"};
  return names;
}

std::string policy_name(Policy p) { return policy_names().at(static_cast<std::size_t>(p)); }

Policy policy_from_name(const std::string& name) {
  const auto& names = policy_names();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw Error("unknown fleet policy \"" + name + "\"");
  return static_cast<Policy>(it - names.begin());
}

const std::vector<std::string>& placement_names() {
  static const std::vector<std::string> names{"packed", "spread", "topology"};
  return names;
}

std::string placement_name(Placement p) { return placement_names().at(static_cast<std::size_t>(p)); }

Placement placement_from_name(const std::string& name) {
  const auto& names = placement_names();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw Error("unknown fleet placement \"" + name + "\"");
  return static_cast<Placement>(it - names.begin());
}

const std::vector<std::string>& job_kind_names() {
  static const std::vector<std::string> names{"training", "fine-tuning", "evaluation", "other"};
  return names;
}

}  // namespace capsim::fleet
