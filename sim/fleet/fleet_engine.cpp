#include "sim/fleet/fleet_engine.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/network/fabric_factory.hpp"
#include "sim/core/error.hpp"
#include "sim/fleet/fleet_state.hpp"

namespace capsim::fleet {

namespace detail {

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

void Fleet::leave_cluster(std::uint32_t id) {
  Job& j = jobs_[id];
  const FleetJob& fj = spec_.jobs[id];
  if (j.stepping) busy_rate_ -= fj.gpus * j.eff;
  j.stepping = false;
  j.attained_gpu_s += fj.gpus * (now_ - j.seg_start);
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
}

void Fleet::stop(std::uint32_t id, bool failure) {
  Job& j = jobs_[id];
  const FleetJob& fj = spec_.jobs[id];
  if (j.stepping) j.done_s = std::min(j.work_s, j.done_s + (now_ - j.step_start) * j.rate);
  leave_cluster(id);
  j.last_stop = now_;
  if (failure) {
    // Back to the last checkpoint: with checkpoints, the last multiple of the interval; without, the start.
    const double interval = speed_.costs(fj.shape, fj.gpus).interval_s;
    const double kept = spec_.checkpoints && interval > 0 ? std::floor(j.done_s / interval) * interval : 0.0;
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
  enqueue(id);
}

void Fleet::complete(std::uint32_t id) {
  leave_cluster(id);
  Job& j = jobs_[id];
  j.done_s = j.work_s;
  j.finish = now_;
  j.status = Status::done;
  ++completed_;
  last_completion_ = now_;
}

// ------------------------------------------------------------------------------------------------ failures

bool Fleet::on_failure() {
  // One interruption somewhere in the cluster: a node-level component (hardware) drains the node for repair; a
  // software fault (NCCL timeout, a bug) restarts what runs there and leaves the node up.
  std::uniform_int_distribution<int> pick(0, cluster_.nodes() - 1);
  std::uniform_real_distribution<double> u(0, 1);
  const int node = pick(rng_);
  const bool hardware = u(rng_) * (node_hw_rate_ + node_sw_rate_) < node_hw_rate_;
  ++failures_;
  if (cluster_.is_down(node)) return false;  // already in repair: nothing runs there
  const auto occupants = node_occupants_[node];
  if (!occupants.empty()) ++failures_hitting_;
  for (std::int32_t who : occupants) {
    if (who >= 0) {
      stop(static_cast<std::uint32_t>(who), true);
    } else {
      const std::int32_t slot = -1 - who;
      remove_replica(static_cast<std::size_t>(slot_service_[slot]), slot);
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
    while (static_cast<int>(st.replicas.size()) < target) {
      std::int32_t slot = place_slot(svc.replica_gpus, Placement::packed);
      if (slot < 0) {
        const auto victims = priority_victims(svc.replica_gpus, svc.priority);
        for (std::uint32_t v : victims) stop(v, false);
        st.preemptions_caused += static_cast<std::int64_t>(victims.size());
        if (!victims.empty()) slot = place_slot(svc.replica_gpus, Placement::packed);
      }
      if (slot < 0) break;
      add_replica(s, slot);
    }
    while (static_cast<int>(st.replicas.size()) > target) remove_replica(s, st.replicas.back());
    ++st.ticks;
    if (static_cast<int>(st.replicas.size()) >= target) ++st.met;
    st.replica_ticks += static_cast<double>(st.replicas.size());
    st.peak = std::max(st.peak, static_cast<int>(st.replicas.size()));
  }
}

void Fleet::add_replica(std::size_t s, std::int32_t slot) {
  const FleetService& svc = spec_.services[s];
  slot_service_[slot] = static_cast<std::int32_t>(s);
  services_[s].replicas.push_back(slot);
  for (const auto& [n, g] : allocs_[slot].parts) node_occupants_[n].push_back(-1 - slot);
  alloc_gpus_ += svc.replica_gpus;
  busy_rate_ += svc.replica_gpus;
  service_gpus_ += svc.replica_gpus;
  team_change(svc.team, svc.replica_gpus);
}

void Fleet::remove_replica(std::size_t s, std::int32_t slot) {
  const FleetService& svc = spec_.services[s];
  auto& reps = services_[s].replicas;
  reps.erase(std::find(reps.begin(), reps.end(), slot));
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
  const auto pending = static_cast<std::size_t>(std::accumulate(team_queued_.begin(), team_queued_.end(), 0));
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
  const double cluster_rate = spec_.failures ? (node_hw_rate_ + node_sw_rate_) * cluster_.nodes() : 0;
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
  return results();
}

}  // namespace detail

int fleet_nodes_per_leaf(const hw::ClusterSpec& cluster) {
  const net::FabricShape shape = net::fabric_shape(cluster);
  return std::clamp(static_cast<int>(std::floor(shape.nodes_per_leaf)), 1, std::max(1, cluster.nodes));
}

FleetResult run_fleet(const FleetSpec& spec) {
  if (spec.teams.empty()) throw Error("a fleet needs at least one team");
  if (spec.shapes.empty()) throw Error("a fleet needs its reference workload (shapes[0])");
  detail::Fleet fleet(spec);
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
