#include "planner/report/scenario_report.hpp"

#include <fmt/format.h>

#include "planner/chart_data.hpp"
#include "planner/report/html_page.hpp"
#include "planner/report/result_charts.hpp"
#include "planner/report/svg_chart.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner::report {

namespace {

using units::format_count;
using units::format_percent;
using units::format_time;

/// "TP8 PP4 DP32" (parallel dimensions above 1, TP and DP always) of the scenario's training job `name`.
std::string training_layout(const Scenario& scenario, const std::string& name) {
  for (const auto& w : scenario.workloads) {
    const auto* job = std::get_if<workloads::TrainingJob>(&w);
    if (job == nullptr || job->name != name) continue;
    const workloads::Parallelism& p = job->parallelism;
    const std::pair<const char*, int> dims[] = {{"TP", p.tp}, {"PP", p.pp}, {"CP", p.cp}, {"DP", p.dp}, {"EP", p.ep}};
    std::string text;
    for (const auto& [dim, n] : dims) {
      if (n > 1 || dim == std::string("TP") || dim == std::string("DP"))
        text += (text.empty() ? "" : " ") + (dim + std::to_string(n));
    }
    return text + fmt::format(", micro-batch {}, global batch {}", p.micro_batch, p.global_batch);
  }
  return "";
}

std::string training_section(const sim::TrainingResult& r, const Scenario& scenario) {
  std::string out = "<section class=\"training\">\n<h2>Training: " + xml_escape(r.name) + "</h2>\n";
  const std::string layout = training_layout(scenario, r.name);
  if (!layout.empty())
    out += "<p class=\"meta\">" + xml_escape(layout) + " on " + std::to_string(r.gpus) + " GPUs</p>\n";
  std::vector<HeadlineCard> cards;
  Table details;
  details.header = {"Figure", "Value"};
  for (const SummaryRow& row : make_summary_rows(r)) {
    if (row.headline) cards.push_back({row.label, row.brief.empty() ? row.value : row.brief, row.warning});
    details.add({row.label, row.value}, row.warning);
  }
  out += html_cards(cards);
  out += svg_range_bars(breakdown_chart(make_breakdown_series(r)));
  out += svg_range_bars(memory_chart(make_memory_series(r)));
  if (r.power.it_power_W > 0) {
    const sim::PowerResult& p = r.power;
    out += fmt::format("<p>{} IT ({} per GPU), {} facility at PUE {:.2f}; {} per step.</p>\n",
                       units::format_power(p.it_power_W), units::format_power(p.gpu_power_W),
                       units::format_power(p.facility_power_W), p.pue, units::format_energy(p.energy_per_step_J));
    out += svg_range_bars(power_chart(p.breakdown_W, "IT power by part"));
  }
  out += "<h3>Details</h3>\n" + html_table(details);
  return out + "</section>\n";
}

std::string inference_section(const sim::serving::InferenceResult& r) {
  std::string out = "<section class=\"inference\">\n<h2>Serving: " + xml_escape(r.name) + "</h2>\n";
  out += "<p class=\"meta\">" +
         xml_escape(fmt::format("{} replicas of TP{} PP{} on {} ({} GPUs)", r.replicas, r.tp, r.pp, r.gpu, r.gpus)) +
         "</p>\n";
  out += html_cards({{"Output tokens/s", format_count(r.output_tokens_per_s)},
                     {"Requests/s", format_count(r.requests_per_s)},
                     {"TTFT p90", format_time(r.ttft_s.p90)},
                     {"TPOT p90", format_time(r.tpot_s.p90)},
                     {"SLO attainment", r.slo.empty() ? "no SLO" : format_percent(r.slo_attainment), !r.slo_met},
                     {"Fits in memory", r.fits_in_memory ? "yes" : "no", !r.fits_in_memory}});
  Table latency;
  latency.header = {"Latency", "mean", "p50", "p90", "p99", "max"};
  latency.numeric = {false, true, true, true, true, true};
  const std::pair<const char*, const sim::serving::LatencyStats*> stats[] = {
      {"Time to first token (TTFT)", &r.ttft_s},
      {"Time per output token (TPOT)", &r.tpot_s},
      {"End to end", &r.e2e_s},
      {"Queue", &r.queue_s}};
  for (const auto& [name, s] : stats) {
    latency.add({name, format_time(s->mean), format_time(s->p50), format_time(s->p90), format_time(s->p99),
                 format_time(s->max)});
  }
  out += "<h3>Latency percentiles</h3>\n" + html_table(latency);
  Table details;
  details.header = {"Figure", "Value"};
  details.add({"Requests", fmt::format("{} arrived, {} completed, {} unfinished, {} rejected", r.requests, r.completed,
                                       r.unfinished, r.rejected)});
  details.add({"Duration", format_time(r.duration_s)});
  details.add({"Goodput", format_count(r.goodput_requests_per_s) + " requests/s within the SLO"});
  details.add({"KV cache use",
               "mean " + format_percent(r.kv_utilization_mean) + ", peak " + format_percent(r.kv_utilization_peak)});
  details.add({"Queue", fmt::format("mean {:.1f}, longest {}", r.queue_mean, r.queue_max)});
  details.add({"Preemptions", std::to_string(r.preemptions)});
  details.add({"Memory per GPU", "weights " + units::format_bytes(r.memory.weights_B) + ", KV cache " +
                                     units::format_bytes(r.memory.kv_cache_B)},
              !r.fits_in_memory);
  if (r.power.it_power_W > 0) {
    details.add({"Power", units::format_power(r.power.it_power_W) + " IT, " +
                              units::format_power(r.power.facility_power_W) + " facility"});
    details.add({"Energy", units::format_energy(r.power.energy_per_million_tokens_J) + " per million output tokens"});
  }
  out += "<h3>Details</h3>\n" + html_table(details);
  if (r.power.it_power_W > 0) out += svg_range_bars(power_chart(r.power.breakdown_W, "IT power by part"));
  if (!r.notes.empty()) out += "<h3>Notes</h3>\n" + html_list(r.notes);
  return out + "</section>\n";
}

}  // namespace

std::string scenario_report_html(const ScenarioResult& result, const Scenario& scenario) {
  std::string out = html_page_begin("CapSim run: " + result.scenario_name);
  out += "<h1>Run: " + xml_escape(result.scenario_name) + "</h1>\n";
  const hw::ClusterSpec& c = scenario.cluster;
  std::string meta = fmt::format("{} engine; {} nodes x {} {} = {} GPUs", result.engine, c.nodes, c.gpus_per_node,
                                 c.gpu.name.empty() ? c.gpu.id : c.gpu.name, c.total_gpus());
  if (!scenario.file.empty()) meta = scenario.file + "; " + meta;
  out += "<p class=\"meta\">" + xml_escape(meta) + "</p>\n";
  if (!result.warnings.empty()) out += "<h3>Warnings</h3>\n" + html_list(result.warnings, "warn");
  for (const sim::TrainingResult& r : result.training) out += training_section(r, scenario);
  for (const sim::serving::InferenceResult& r : result.inference) out += inference_section(r);
  return out + html_page_end();
}

}  // namespace capsim::planner::report
