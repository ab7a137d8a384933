#include "planner/report/plan_tables.hpp"

#include <fmt/format.h>

#include <cmath>

#include "planner/report/cost_chart_data.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner::report {

namespace {

using units::format_money;

/// "-" for a figure the option does not have (no tokens, no owned GPUs).
std::string money_or_dash(double usd) { return usd > 0 ? format_money(usd) : "-"; }

std::string quantity_text(double q) {
  return q == std::floor(q) && std::fabs(q) < 1e15 ? fmt::format("{:.0f}", q) : fmt::format("{:.3g}", q);
}

std::string break_even_text(const tco::PlanResult& plan, const tco::OptionResult& o) {
  if (o.break_even_month) return "month " + std::to_string(month_number(*o.break_even_month));
  if (plan.cheapest_cloud && *plan.cheapest_cloud == o.name) return "reference";
  if (o.kind == "cloud") return "-";  // break-even compares owning with the cheapest cloud
  return "never";
}

}  // namespace

std::string utilization_text(const tco::OptionResult& o) {
  const bool owned = o.kind != "cloud";
  if ((owned && o.owned_gpus > 0) || (!owned && o.utilization < 1)) return units::format_percent(o.utilization);
  return "-";
}

Table make_options_table(const tco::PlanResult& plan) {
  Table t;
  t.header = {"Option",     "Kind",      "Total",       "NPV",         "$/GPU-hour",
              "$/M tokens", "GPU-hours", "Utilization", "GPUs bought", "Break-even", "Cash payback"};
  t.numeric = {false, false, true, true, true, true, true, true, true, true, true};
  for (const tco::OptionResult& o : plan.options) {
    const bool best = o.name == plan.recommended;
    t.add({o.name + (best ? " (recommended)" : ""), o.kind, format_money(o.total_cost_usd), format_money(o.npv_usd),
           money_or_dash(o.cost_per_gpu_hour_usd), money_or_dash(o.cost_per_million_tokens_usd),
           units::format_count(o.gpu_hours), utilization_text(o),
           o.owned_gpus > 0 ? std::to_string(o.owned_gpus) : "-", break_even_text(plan, o),
           o.payback_month ? "month " + std::to_string(month_number(*o.payback_month))
                           : (o.kind == "cloud" || !plan.cheapest_cloud ? "-" : "never")},
          best);
  }
  return t;
}

Table make_category_table(const tco::PlanResult& plan) {
  Table t;
  t.header = {"Category"};
  t.numeric = {false};
  for (const tco::OptionResult& o : plan.options) {
    t.header.push_back(o.name);
    t.numeric.push_back(true);
  }
  for (const std::string& category : plan_categories(plan)) {
    std::vector<std::string> row{category_label(category)};
    for (const tco::OptionResult& o : plan.options) {
      std::string cell = "-";
      for (const auto& [name, usd] : o.cost_by_category_usd) {
        if (name == category) cell = format_money(usd);
      }
      row.push_back(cell);
    }
    t.add(std::move(row));
  }
  std::vector<std::string> total{"Total"};
  for (const tco::OptionResult& o : plan.options) total.push_back(format_money(o.total_cost_usd));
  t.add(std::move(total), true);
  return t;
}

Table make_monte_carlo_table(const tco::PlanResult& plan) {
  Table t;
  if (!plan.monte_carlo) return t;
  const tco::MonteCarloResult& mc = *plan.monte_carlo;
  t.header = {"Option", "P10", "P50", "P90", "Cheapest in"};
  t.numeric = {false, true, true, true, true};
  const auto at = [](const std::vector<double>& v, std::size_t i) { return i < v.size() ? v[i] : 0.0; };
  for (std::size_t i = 0; i < plan.options.size(); ++i) {
    t.add({plan.options[i].name, format_money(at(mc.p10_usd, i)), format_money(at(mc.p50_usd, i)),
           format_money(at(mc.p90_usd, i)), units::format_percent(at(mc.cheapest_share, i))},
          plan.options[i].name == plan.recommended);
  }
  return t;
}

Table make_shapes_table(const tco::PlanResult& plan) {
  Table t;
  t.header = {"Demand",   "Kind",    "GPU",        "Layout",    "GPUs",     "Step time",
              "Tokens/s", "Goodput", "Requests/s", "GPU-hours", "IT power", "Months"};
  t.numeric = {false, false, false, false, true, true, true, true, true, true, true, true};
  for (const tco::CapacityShape& s : plan.shapes) {
    const bool serving = s.kind == "inference";
    t.add({s.demand, s.kind, s.gpu, s.layout, std::to_string(s.gpus),
           s.step_time_s > 0 ? units::format_time(s.step_time_s) : "-", units::format_count(s.tokens_per_s),
           serving ? "-" : units::format_percent(s.goodput), serving ? units::format_count(s.capacity_per_s) : "-",
           s.gpu_hours > 0 ? units::format_count(s.gpu_hours) : "-", units::format_power(s.it_power_W),
           s.months >= 0.05 ? fmt::format("{:.1f}", s.months)
           : s.months > 0   ? "< 0.1"
                            : "-"});
  }
  return t;
}

Table make_bom_table(const tco::OptionResult& option) {
  Table t;
  if (option.bom.empty()) return t;
  t.header = {"Category", "Item", "Quantity", "Unit price", "Total", "Price"};
  t.numeric = {false, false, true, true, true, false};
  double total = 0;
  for (const tco::BomLine& line : option.bom) {
    t.add({line.category, line.item, quantity_text(line.quantity), format_money(line.unit_price_usd),
           format_money(line.total_usd), line.price_key});
    total += line.total_usd;
  }
  t.add({"Total", "", "", "", format_money(total), ""}, true);
  return t;
}

Table make_purchases_table(const tco::OptionResult& option) {
  Table t;
  if (option.purchases.empty()) return t;
  t.header = {"Paid in", "Online from", "GPUs", "Capex"};
  t.numeric = {true, true, true, true};
  for (const tco::Purchase& p : option.purchases) {
    t.add({"month " + std::to_string(month_number(p.month)), "month " + std::to_string(month_number(p.online_month)),
           std::to_string(p.gpus), format_money(p.capex_usd)});
  }
  return t;
}

Table make_assumptions_table(const tco::PlanResult& plan) {
  Table t;
  t.header = {"Price", "Value", "Date", "Source", "Quality", "Estimate", "From"};
  t.numeric = {false, true, false, false, false, false, false};
  for (const tco::PriceUse& p : plan.prices) {
    t.add({p.key, p.text, p.date, p.source, p.quality, p.estimate ? "estimate" : "", p.origin});
  }
  return t;
}

}  // namespace capsim::planner::report
