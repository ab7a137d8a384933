#include "planner/report/plan_text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "planner/report/chart_axis.hpp"
#include "planner/report/cost_chart_data.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner::report {

std::string plan_meta_line(const tco::PlanResult& plan) {
  std::string meta = fmt::format("{} months, discount rate {}, {}", plan_months(plan),
                                 units::format_percent(plan.discount_rate), plan.currency);
  if (!plan.file.empty()) meta = plan.file + "; " + meta;
  if (plan.elapsed_s > 0) meta += "; planned in " + units::format_time(plan.elapsed_s);
  return meta;
}

std::string recommendation_line(const tco::PlanResult& plan) {
  const std::size_t best = recommended_index(plan);
  if (best >= plan.options.size()) return "";
  const tco::OptionResult& o = plan.options[best];
  return "Recommended: " + o.name + (o.description.empty() ? "" : " (" + o.description + ")") + ", " +
         units::format_money(o.total_cost_usd) + " over " + std::to_string(plan_months(plan)) + " months (NPV " +
         units::format_money(o.npv_usd) + ").";
}

std::vector<std::string> option_notes(const tco::PlanResult& plan) {
  std::vector<std::string> lines;
  for (const tco::OptionResult& o : plan.options) {
    if (!o.description.empty()) lines.push_back(o.name + " (" + o.kind + "): " + o.description);
    for (const std::string& note : o.notes) lines.push_back(o.name + ": " + note);
  }
  return lines;
}

std::string break_even_note(const tco::PlanResult& plan) {
  return "Break-even: the first month from which an option's cost to date (owned hardware at book value) stays at or "
         "below the cheapest cloud option's" +
         (plan.cheapest_cloud ? " (" + *plan.cheapest_cloud + ")" : std::string()) +
         ". Cash payback: the same with cash alone (hardware at its price, no book value).";
}

std::string monthly_note() {
  return "Cash view: capital spending in the month it is paid, the residual value as a credit in the last month. "
         "Each option on its own scale: the cumulative chart compares them.";
}

std::string cumulative_note() {
  return "Cumulative cost: cash spent so far, less what the owned hardware still held is worth at book value, so "
         "buying does not read as a loss in the month it is paid.";
}

std::string tornado_note(const tco::PlanResult& plan) {
  return "Each input moved down and up by its factor (about " + units::format_percent(plan.sensitivity_range) +
         " either way), everything else held: the recommended option's NPV against its base, the widest swing first.";
}

std::string monte_carlo_note(const tco::PlanResult& plan) {
  if (!plan.monte_carlo) return "";
  return fmt::format("{} samples, seed {}.", format_grouped(plan.monte_carlo->samples), plan.monte_carlo->seed);
}

std::string shape_title(const tco::CapacityShape& s) {
  return s.demand + ": " + s.layout + " on " + std::to_string(s.gpus) + " x " + s.gpu;
}

std::string shape_facts(const tco::CapacityShape& s) {
  std::string facts = s.kind == "inference"
                          ? fmt::format("One replica serves {} requests/s ({} output tokens/s) within the SLO",
                                        units::format_count(s.capacity_per_s), units::format_count(s.tokens_per_s))
                          : fmt::format("Step {}, {} tokens/s, goodput {}", units::format_time(s.step_time_s),
                                        units::format_count(s.tokens_per_s), units::format_percent(s.goodput));
  return facts + "; IT power " + units::format_power(s.it_power_W) + ".";
}

std::string prices_note(const tco::PlanResult& plan) {
  const auto estimates =
      std::count_if(plan.prices.begin(), plan.prices.end(), [](const auto& p) { return p.estimate; });
  return fmt::format(
      "{} prices, {} of them estimates (an analyst's or the project's assumption, not a list price). "
      "Every figure above rests on these.",
      plan.prices.size(), estimates);
}

}  // namespace capsim::planner::report
