#include "cli/fleet_summary.hpp"

#include <fmt/format.h>

#include <sstream>

#include "sim/core/units.hpp"
#include "sim/fleet/fleet_engine.hpp"

namespace capsim::cli {

namespace {

using units::format_integer;
using units::format_percent;
using units::format_time;

std::string n(std::int64_t v) { return format_integer(static_cast<double>(v)); }

std::string header(const planner::Scenario& scenario, const planner::PreparedFleet& fleet) {
  const auto& c = fleet.spec.cluster;
  const auto& fs = *scenario.fleet;
  std::string jobs_from;
  if (fs.trace_jobs > 0) jobs_from += fmt::format("{} from {}", n(fs.trace_jobs), fs.trace_file);
  if (fs.generated_jobs > 0) jobs_from += fmt::format("{}{} generated", jobs_from.empty() ? "" : ", ", n(fs.generated_jobs));
  return fmt::format("CapSim fleet \"{}\": {} x {} ({} nodes of {}, {} nodes per leaf switch)\n{} jobs ({}), {} "
                     "team{}, {} service{}\n",
                     scenario.name, format_integer(c.total_gpus()), c.gpu.id, format_integer(c.nodes), c.gpus_per_node,
                     fleet::fleet_nodes_per_leaf(c), n(static_cast<std::int64_t>(fleet.spec.jobs.size())),
                     jobs_from.empty() ? "none" : jobs_from, fleet.spec.teams.size(),
                     fleet.spec.teams.size() == 1 ? "" : "s", fleet.spec.services.size(),
                     fleet.spec.services.size() == 1 ? "" : "s");
}

std::string rho(double v) { return v > 0 ? fmt::format("{:.2f}", v) : "-"; }

}  // namespace

std::string fleet_summary(const planner::Scenario& scenario, const planner::PreparedFleet& fleet,
                          const fleet::FleetResult& r) {
  std::ostringstream out;
  out << header(scenario, fleet);
  out << fmt::format("Policy {}, placement {}; failures {}, checkpoints {}\n\n", r.policy, r.placement,
                     fleet.spec.failures ? "on" : "off", fleet.spec.checkpoints ? "on (Daly's interval per job)" : "off");
  out << fmt::format("Simulated {}: {} jobs completed, {} unfinished; makespan {}\n", format_time(r.horizon_s),
                     n(r.jobs_completed), n(r.jobs_unfinished), format_time(r.makespan_s));
  out << fmt::format("GPU utilization    allocated {}   busy {}   goodput {}   (fragmented while jobs wait: {})\n",
                     format_percent(r.gpu_allocation), format_percent(r.gpu_busy), format_percent(r.goodput),
                     format_percent(r.mean_fragmentation));
  out << fmt::format("Job completion     mean {}   p50 {}   p99 {}\n", format_time(r.jct.mean), format_time(r.jct.p50),
                     format_time(r.jct.p99));
  out << fmt::format("Queueing delay     mean {}   p50 {}   p99 {}\n", format_time(r.queue.mean),
                     format_time(r.queue.p50), format_time(r.queue.p99));
  out << fmt::format("Slowdown           JCT / run time {:.2f} on average; placement stretched run time by {}\n",
                     r.mean_slowdown, format_percent(r.placement_slowdown - 1));
  out << fmt::format("Interruptions      {} failures ({} hit jobs), {} preemptions, {:.2f} restarts per completed job\n",
                     n(r.failures), n(r.failures_hitting_jobs), n(r.preemptions), r.restarts_per_job);
  if (r.deadlines_met + r.deadlines_missed > 0) {
    out << fmt::format("Deadlines          {} met, {} missed\n", n(r.deadlines_met), n(r.deadlines_missed));
  }
  const bool priced = r.price_per_gpu_hour_usd > 0;
  out << "\nBy team\n";
  out << fmt::format("{:<16}{:>7}{:>7}{:>9}{:>11}{:>11}{:>11}{:>11}{:>12}{:>8}{:>10}{:>7}{}\n", "team", "quota", "weight",
                     "done", "mean JCT", "p99 JCT", "mean wait", "p99 wait", "GPU-h", "share", "entitled", "rho",
                     priced ? "        cost" : "");
  for (const auto& t : r.teams) {
    const bool ran = t.jobs_completed > 0;
    const bool started = t.queue.count > 0;
    out << fmt::format("{:<16}{:>7}{:>7}{:>9}{:>11}{:>11}{:>11}{:>11}{:>12}{:>8}{:>10}{:>7}{}\n", t.name.substr(0, 15),
                       t.quota_gpus > 0 ? format_integer(t.quota_gpus) : "-", fmt::format("{:g}", t.weight),
                       n(t.jobs_completed), ran ? format_time(t.jct.mean) : "-", ran ? format_time(t.jct.p99) : "-",
                       started ? format_time(t.queue.mean) : "-", started ? format_time(t.queue.p99) : "-", format_integer(t.gpu_hours), format_percent(t.share),
                       format_percent(t.entitlement), rho(t.mean_ftf_rho),
                       priced ? fmt::format("{:>12}", units::format_money(t.cost_usd)) : "");
  }
  out << "  share = GPU-hours held / all GPU-hours held; entitled = quota (or weight) / cluster; rho = mean JCT / the\n"
         "  job's time alone on its team's entitled GPUs (finish-time fairness, <= 1 means sharing did not hurt)\n";
  out << "\nBy job size\n";
  out << fmt::format("{:<10}{:>9}{:>11}{:>11}{:>11}{:>11}{:>10}\n", "GPUs", "done", "mean JCT", "p99 JCT", "mean wait",
                     "p99 wait", "slowdown");
  for (const auto& s : r.sizes) {
    out << fmt::format("{:<10}{:>9}{:>11}{:>11}{:>11}{:>11}{:>10.2f}\n", s.label, n(s.jobs_completed),
                       format_time(s.jct.mean), format_time(s.jct.p99), format_time(s.queue.mean),
                       format_time(s.queue.p99), s.mean_slowdown);
  }
  if (!r.services.empty()) {
    out << "\nServices\n";
    out << fmt::format("{:<16}{:<14}{:>12}{:>10}{:>7}{:>11}{:>11}  {}\n", "service", "team", "SLO met", "replicas",
                       "peak", "GPU-h", "preempted", "SLO");
    for (const auto& s : r.services) {
      out << fmt::format("{:<16}{:<14}{:>12}{:>10.1f}{:>7}{:>11}{:>11}  {}\n", s.name.substr(0, 15),
                         s.team.substr(0, 13), format_percent(s.slo_attainment), s.mean_replicas, s.peak_replicas,
                         format_integer(s.gpu_hours), n(s.preemptions_caused), s.slo);
    }
    out << "  SLO met = share of autoscaling ticks with the replicas the rate needed; preempted = batch jobs it evicted\n";
  }
  out << '\n';
  if (priced) {
    out << fmt::format("GPU-hours priced at {}/GPU-h: {}\n", units::format_money(r.price_per_gpu_hour_usd),
                       r.price_source);
  }
  out << fmt::format("Job speeds: {} analytical-engine evaluations (cached by shape, GPUs and leaves spanned)\n",
                     n(r.speed_evaluations));
  for (const auto& note : fleet.notes) out << "note: " << note << '\n';
  for (const auto& w : r.warnings) out << "warning: " << w << '\n';
  return out.str();
}

std::string fleet_comparison(const planner::Scenario& scenario, const planner::PreparedFleet& fleet,
                             const std::vector<fleet::FleetResult>& runs) {
  std::ostringstream out;
  out << header(scenario, fleet) << "The same jobs under each policy:\n\n";
  out << fmt::format("{:<18}{:<10}{:>9}{:>11}{:>11}{:>11}{:>11}{:>8}{:>8}{:>8}{:>7}{:>8}{:>9}{:>11}\n", "policy",
                     "placement", "done", "mean JCT", "p99 JCT", "mean wait", "p99 wait", "alloc", "busy", "goodput",
                     "frag", "stretch", "preempt", "makespan");
  for (const auto& r : runs) {
    out << fmt::format("{:<18}{:<10}{:>9}{:>11}{:>11}{:>11}{:>11}{:>8}{:>8}{:>8}{:>7}{:>8}{:>9}{:>11}\n", r.policy,
                       r.placement, n(r.jobs_completed), format_time(r.jct.mean), format_time(r.jct.p99),
                       format_time(r.queue.mean), format_time(r.queue.p99), format_percent(r.gpu_allocation),
                       format_percent(r.gpu_busy), format_percent(r.goodput), format_percent(r.mean_fragmentation),
                       format_percent(r.placement_slowdown - 1), n(r.preemptions), format_time(r.makespan_s));
  }
  if (runs.size() > 0 && runs.front().teams.size() > 1) {
    out << "\nMean queueing delay by team:\n";
    out << fmt::format("{:<18}{:<10}", "policy", "placement");
    for (const auto& t : runs.front().teams) out << fmt::format("{:>14}", t.name.substr(0, 13));
    out << '\n';
    for (const auto& r : runs) {
      out << fmt::format("{:<18}{:<10}", r.policy, r.placement);
      for (const auto& t : r.teams) out << fmt::format("{:>14}", t.queue.count > 0 ? format_time(t.queue.mean) : "-");
      out << '\n';
    }
  }
  out << "\nalloc = GPUs held, busy = stepping, goodput = stepping on work that was kept; frag = free GPUs no waiting "
         "job could use;\nstretch = extra run time from placement (GPU-time weighted); wait = submit to first start\n";
  for (const auto& r : runs) {
    for (const auto& w : r.warnings) out << "warning (" << r.policy << "): " << w << '\n';
  }
  return out.str();
}

}  // namespace capsim::cli
