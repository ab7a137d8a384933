// The fleet's scheduling policies: list scheduling (FIFO, EASY backfill, best-effort FIFO, SJF), team queues
// (Kueue quotas with borrowing and reclaim, fair sharing, DRF) and ranked preemptive policies (Tiresias LAS, SRTF,
// priority), and the victim choice they share.

#include <algorithm>
#include <limits>

#include "sim/fleet/fleet_state.hpp"

namespace capsim::fleet::detail {

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

}  // namespace capsim::fleet::detail
