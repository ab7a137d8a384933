#include "planner/fleet_json.hpp"

#include <sstream>

namespace capsim::planner {

namespace {

using nlohmann::json;

json stats_json(const fleet::TimeStats& s) {
  return json{{"count", s.count}, {"mean_s", s.mean}, {"p50_s", s.p50}, {"p90_s", s.p90}, {"p99_s", s.p99},
              {"max_s", s.max}};
}

}  // namespace

json fleet_to_json(const fleet::FleetResult& r, bool with_series) {
  json f;
  f["policy"] = r.policy;
  f["placement"] = r.placement;
  f["cluster_gpus"] = r.cluster_gpus;
  f["jobs_submitted"] = r.jobs_submitted;
  f["jobs_completed"] = r.jobs_completed;
  f["jobs_unfinished"] = r.jobs_unfinished;
  f["avg_jct_s"] = r.jct.mean;
  f["p50_jct_s"] = r.jct.p50;
  f["p99_jct_s"] = r.jct.p99;
  f["avg_queue_s"] = r.queue.mean;
  f["p50_queue_s"] = r.queue.p50;
  f["p99_queue_s"] = r.queue.p99;
  f["makespan_s"] = r.makespan_s;
  f["simulated_s"] = r.horizon_s;
  f["gpu_allocation"] = r.gpu_allocation;
  f["gpu_busy"] = r.gpu_busy;
  f["goodput"] = r.goodput;
  f["fragmentation"] = r.mean_fragmentation;
  f["mean_slowdown"] = r.mean_slowdown;
  f["placement_slowdown"] = r.placement_slowdown;
  f["failures"] = r.failures;
  f["failures_hitting_jobs"] = r.failures_hitting_jobs;
  f["preemptions"] = r.preemptions;
  f["restarts_per_job"] = r.restarts_per_job;
  f["deadlines_met"] = r.deadlines_met;
  f["deadlines_missed"] = r.deadlines_missed;
  f["speed_evaluations"] = r.speed_evaluations;
  f["jct"] = stats_json(r.jct);
  f["queue"] = stats_json(r.queue);
  if (r.price_per_gpu_hour_usd > 0) {
    f["price_per_gpu_hour_usd"] = r.price_per_gpu_hour_usd;
    f["price_source"] = r.price_source;
  }
  json teams = json::array();
  for (const auto& t : r.teams) {
    json j{{"name", t.name},
           {"quota_gpus", t.quota_gpus},
           {"weight", t.weight},
           {"jobs_submitted", t.jobs_submitted},
           {"jobs_completed", t.jobs_completed},
           {"avg_jct_s", t.jct.mean},
           {"p99_jct_s", t.jct.p99},
           {"avg_queue_s", t.queue.mean},
           {"p99_queue_s", t.queue.p99},
           {"gpu_hours", t.gpu_hours},
           {"useful_gpu_hours", t.useful_gpu_hours},
           {"share", t.share},
           {"entitlement", t.entitlement},
           {"demand_share", t.demand_share},
           {"mean_ftf_rho", t.mean_ftf_rho},
           {"max_ftf_rho", t.max_ftf_rho},
           {"preemptions", t.preemptions},
           {"restarts", t.restarts}};
    if (r.price_per_gpu_hour_usd > 0) j["cost_usd"] = t.cost_usd;
    teams.push_back(std::move(j));
  }
  f["teams"] = std::move(teams);
  json sizes = json::array();
  for (const auto& s : r.sizes) {
    sizes.push_back(json{{"gpus", s.label},
                         {"jobs_completed", s.jobs_completed},
                         {"avg_jct_s", s.jct.mean},
                         {"p99_jct_s", s.jct.p99},
                         {"avg_queue_s", s.queue.mean},
                         {"p99_queue_s", s.queue.p99},
                         {"mean_slowdown", s.mean_slowdown}});
  }
  f["sizes"] = std::move(sizes);
  json services = json::array();
  for (const auto& s : r.services) {
    services.push_back(json{{"name", s.name},
                            {"team", s.team},
                            {"slo", s.slo},
                            {"slo_attainment", s.slo_attainment},
                            {"mean_replicas", s.mean_replicas},
                            {"peak_replicas", s.peak_replicas},
                            {"gpu_hours", s.gpu_hours},
                            {"preemptions_caused", s.preemptions_caused}});
  }
  f["services"] = std::move(services);
  f["warnings"] = r.warnings;
  if (with_series) {
    json series = json::array();
    for (const auto& s : r.series) {
      series.push_back(json{{"t_s", s.t_s},
                            {"allocated", s.allocated},
                            {"busy", s.busy},
                            {"down", s.down},
                            {"queued", s.queued},
                            {"running", s.running},
                            {"fragmented", s.fragmented},
                            {"team_allocated", s.team_allocated},
                            {"team_queued", s.team_queued},
                            {"team_running", s.team_running}});
    }
    f["series"] = std::move(series);
  }
  return f;
}

std::string fleet_series_csv(const fleet::FleetResult& r) {
  std::ostringstream out;
  out << "t_h,allocated_gpus,busy_gpus,down_gpus,queued_jobs,running_jobs,fragmented_gpus";
  // Team names come from the user: keep the header one CSV row.
  auto column = [](std::string name) {
    for (char& c : name) {
      if (c == ',' || c == '"' || c == '\n' || c == '\r') c = '_';
    }
    return name;
  };
  for (const auto& t : r.teams) out << ",gpus_" << column(t.name);
  for (const auto& t : r.teams) out << ",queued_" << column(t.name);
  for (const auto& t : r.teams) out << ",running_" << column(t.name);
  out << '\n';
  for (const auto& s : r.series) {
    out << s.t_s / 3600.0 << ',' << s.allocated << ',' << s.busy << ',' << s.down << ',' << s.queued << ','
        << s.running << ',' << s.fragmented;
    for (double a : s.team_allocated) out << ',' << a;
    for (int q : s.team_queued) out << ',' << q;
    for (int q : s.team_running) out << ',' << q;
    out << '\n';
  }
  return out.str();
}

}  // namespace capsim::planner
