#include "planner/search/pareto_chart.hpp"

#include <algorithm>

#include "planner/report/chart_axis.hpp"
#include "planner/report/html_page.hpp"
#include "planner/report/svg_chart.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner::search {

namespace {

using units::kSecondsPerDay;

}  // namespace

report::LineChart pareto_chart(const SearchProblem& problem, const SearchTally& tally) {
  const bool days = problem.job.tokens > 0;
  const double unit = days ? kSecondsPerDay : 1.0;
  report::LineChart chart;
  chart.title = "Pareto front: cost against time (" + std::to_string(tally.pareto.size()) + " configurations)";
  chart.x_title = days ? "days to train" : "step time (s)";
  chart.y_title = "cost (USD)";
  report::LineSeries cost{"front", report::palette_color(0), {}, true};
  double lo = 0, hi = 1, top = 1;
  for (const Candidate& c : tally.pareto) {
    chart.x.push_back(c.time_s / unit);
    cost.y.push_back(c.cost_usd);
    top = std::max(top, c.cost_usd);
  }
  if (!chart.x.empty()) {
    lo = chart.x.front();
    hi = std::max(chart.x.back(), lo * 1.05 + 1e-9);
  }
  chart.series.push_back(std::move(cost));
  chart.x_ticks = report::nice_ticks(0, hi, 8, report::TickFormat::count);
  chart.y_ticks = report::nice_ticks(0, top * 1.1, 6, report::TickFormat::money);
  if (tally.has_best) {
    const Candidate& fast = tally.best[static_cast<std::size_t>(Objective::time)];
    const Candidate& cheap = tally.best[static_cast<std::size_t>(Objective::cost)];
    chart.markers.push_back({fast.time_s / unit, fast.cost_usd, "fastest", report::palette_color(2)});
    if (cheap.index != fast.index) {
      chart.markers.push_back({cheap.time_s / unit, cheap.cost_usd, "cheapest", report::palette_color(4)});
    }
  }
  return chart;
}

std::string pareto_html(const SearchProblem& problem, const SearchTally& tally, const std::string& summary) {
  std::string page = report::html_page_begin("CapSim search: " + problem.scenario_name);
  page += report::svg_line_chart(pareto_chart(problem, tally));
  page += "<pre>" + report::xml_escape(summary) + "</pre>\n";
  page += report::html_page_end();
  return page;
}

}  // namespace capsim::planner::search
