// What a fleet run reports: utilization, JCT and queueing overall, per team and per size, services, fairness.

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/fleet/fleet_state.hpp"

namespace capsim::fleet::detail {

namespace {

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

}  // namespace

FleetResult Fleet::results() {
  const std::size_t n = spec_.jobs.size();
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
  res.gpu_down = down_area_ / capacity;
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

}  // namespace capsim::fleet::detail
