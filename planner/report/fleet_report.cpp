#include "planner/report/fleet_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "planner/report/html_page.hpp"
#include "planner/report/svg_chart.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner::report {

namespace {

using units::format_integer;
using units::format_percent;
using units::format_time;

std::string n(std::int64_t v) { return format_integer(static_cast<double>(v)); }
std::string t_or_dash(const fleet::TimeStats& s, double v) { return s.count > 0 ? format_time(v) : "-"; }

}  // namespace

StackedBarChart fleet_allocation_chart(const fleet::FleetResult& r) {
  StackedBarChart c;
  c.title = "GPUs held per team (daily mean)";
  c.x_title = "day";
  c.y_title = "GPUs";
  const std::size_t teams = r.teams.size();
  std::vector<std::vector<double>> sum(teams + 1);
  std::vector<double> weight;
  for (const auto& s : r.series) {
    const auto day = static_cast<std::size_t>(s.t_s / 86400.0);
    if (day >= weight.size()) {
      weight.resize(day + 1, 0);
      for (auto& v : sum) v.resize(day + 1, 0);
    }
    weight[day] += 1;
    for (std::size_t t = 0; t < teams && t < s.team_allocated.size(); ++t) sum[t][day] += s.team_allocated[t];
    sum[teams][day] += s.down;
  }
  for (std::size_t d = 0; d < weight.size(); ++d) {
    c.x.push_back(static_cast<double>(d + 1));
    for (auto& v : sum) v[d] = weight[d] > 0 ? v[d] / weight[d] : 0;
  }
  for (std::size_t t = 0; t < teams; ++t) c.layers.push_back({r.teams[t].name, palette_color(t), sum[t]});
  c.layers.push_back({"in repair", "#7f7f7f", sum[teams]});
  c.x_ticks = month_ticks(static_cast<int>(std::max<std::size_t>(1, weight.size())), 16);
  c.y_ticks = nice_ticks(0, r.cluster_gpus, 6, TickFormat::count);
  return c;
}

LineChart fleet_queue_chart(const fleet::FleetResult& r) {
  LineChart c;
  c.title = "Jobs queued and running";
  c.x_title = "day";
  c.y_title = "jobs";
  LineSeries queued{"queued", palette_color(6), {}, true};
  LineSeries running{"running", palette_color(0), {}, false};
  double top = 1;
  for (const auto& s : r.series) {
    c.x.push_back(s.t_s / 86400.0 + 1);
    queued.y.push_back(s.queued);
    running.y.push_back(s.running);
    top = std::max({top, static_cast<double>(s.queued), static_cast<double>(s.running)});
  }
  c.series = {queued, running};
  const double days = r.series.empty() ? 1 : r.series.back().t_s / 86400.0 + 1;
  c.x_ticks = nice_ticks(1, days, 12, TickFormat::count);
  c.y_ticks = nice_ticks(0, top, 6, TickFormat::count);
  return c;
}

std::string fleet_report_html(const Scenario& scenario, const PreparedFleet& fleet, const fleet::FleetResult& r) {
  const auto& c = fleet.spec.cluster;
  std::string out = html_page_begin("CapSim fleet: " + scenario.name);
  out += "<h1>Fleet: " + xml_escape(scenario.name) + "</h1>\n";
  out += "<p class=\"meta\">" +
         xml_escape(fmt::format("{} x {} ({} nodes of {}); policy {}, placement {}; {} jobs, {} team{}, {} "
                                "service{}; simulated {}",
                                format_integer(c.total_gpus()), c.gpu.id, format_integer(c.nodes), c.gpus_per_node,
                                r.policy, r.placement, n(r.jobs_submitted), r.teams.size(),
                                r.teams.size() == 1 ? "" : "s", r.services.size(), r.services.size() == 1 ? "" : "s",
                                format_time(r.horizon_s))) +
         "</p>\n";
  if (!r.warnings.empty()) out += html_list(r.warnings, "warnings");

  out += "<section>\n<h2>The answer</h2>\n";
  out += html_cards({{"GPUs allocated", format_percent(r.gpu_allocation)},
                     {"GPUs busy", format_percent(r.gpu_busy)},
                     {"Goodput", format_percent(r.goodput)},
                     {"Mean wait", format_time(r.queue.mean), r.queue.mean > 3600},
                     {"p99 wait", format_time(r.queue.p99), r.queue.p99 > 86400},
                     {"Mean JCT", format_time(r.jct.mean)},
                     {"Jobs done", n(r.jobs_completed), r.jobs_unfinished > 0}});
  out += fmt::format(
      "<p>{} jobs completed, {} unfinished; {} failures ({} hit jobs), {} preemptions; fragmentation while jobs "
      "wait {}; placement stretched run time by {}.</p>\n",
      n(r.jobs_completed), n(r.jobs_unfinished), n(r.failures), n(r.failures_hitting_jobs), n(r.preemptions),
      format_percent(r.mean_fragmentation), format_percent(r.placement_slowdown - 1));
  out += "</section>\n";

  out += "<section>\n<h2>Allocation</h2>\n" + svg_stacked_bars(fleet_allocation_chart(r)) + "</section>\n";
  out += "<section>\n<h2>Queue</h2>\n" + svg_line_chart(fleet_queue_chart(r)) + "</section>\n";

  const bool priced = r.price_per_gpu_hour_usd > 0;
  Table teams;
  teams.header = {"Team", "Quota", "Weight", "Done", "Mean JCT", "p99 JCT", "Mean wait", "p99 wait",
                  "GPU-hours", "Share", "Entitled", "FTF rho"};
  if (priced) teams.header.push_back("Cost");
  teams.numeric = std::vector<bool>(teams.header.size(), true);
  teams.numeric[0] = false;
  for (const auto& t : r.teams) {
    std::vector<std::string> row{t.name,
                                 t.quota_gpus > 0 ? format_integer(t.quota_gpus) : "-",
                                 fmt::format("{:g}", t.weight),
                                 n(t.jobs_completed),
                                 t_or_dash(t.jct, t.jct.mean),
                                 t_or_dash(t.jct, t.jct.p99),
                                 t_or_dash(t.queue, t.queue.mean),
                                 t_or_dash(t.queue, t.queue.p99),
                                 format_integer(t.gpu_hours),
                                 format_percent(t.share),
                                 format_percent(t.entitlement),
                                 t.mean_ftf_rho > 0 ? fmt::format("{:.2f}", t.mean_ftf_rho) : "-"};
    if (priced) row.push_back(units::format_money(t.cost_usd));
    teams.add(std::move(row));
  }
  out += "<section>\n<h2>Teams</h2>\n" + html_table(teams);
  if (priced) {
    out += "<p class=\"meta\">" +
           xml_escape("GPU-hours at " + units::format_money(r.price_per_gpu_hour_usd) + "/GPU-h: " + r.price_source) +
           "</p>\n";
  }
  out += "</section>\n";

  Table sizes;
  sizes.header = {"GPUs", "Done", "Mean JCT", "p99 JCT", "Mean wait", "p99 wait", "Slowdown"};
  sizes.numeric = {false, true, true, true, true, true, true};
  for (const auto& s : r.sizes) {
    sizes.add({s.label, n(s.jobs_completed), t_or_dash(s.jct, s.jct.mean), t_or_dash(s.jct, s.jct.p99),
               t_or_dash(s.queue, s.queue.mean), t_or_dash(s.queue, s.queue.p99),
               fmt::format("{:.2f}", s.mean_slowdown)});
  }
  out += "<section>\n<h2>Job sizes</h2>\n" + html_table(sizes) + "</section>\n";

  if (!r.services.empty()) {
    Table svc;
    svc.header = {"Service", "Team", "SLO", "SLO met", "Mean replicas", "Peak", "GPU-hours", "Jobs preempted"};
    svc.numeric = {false, false, false, true, true, true, true, true};
    for (const auto& s : r.services) {
      svc.add({s.name, s.team, s.slo, format_percent(s.slo_attainment), fmt::format("{:.1f}", s.mean_replicas),
               std::to_string(s.peak_replicas), format_integer(s.gpu_hours), n(s.preemptions_caused)});
    }
    out += "<section>\n<h2>Services</h2>\n" + html_table(svc) + "</section>\n";
  }
  if (!fleet.notes.empty()) out += "<section>\n<h2>Notes</h2>\n" + html_list(fleet.notes) + "</section>\n";
  return out + html_page_end();
}

}  // namespace capsim::planner::report
