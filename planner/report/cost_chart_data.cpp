#include "planner/report/cost_chart_data.hpp"

#include <algorithm>
#include <cstdio>

#include "planner/chart_data.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner::report {

namespace {

constexpr int kMonthTicks = 13;  // "1 6 12 ... 60" fits a chart about 900 px wide without crowding
constexpr const char* kLowColor = "#4e79a7";
constexpr const char* kHighColor = "#f28e2b";
constexpr const char* kTimes = "\xC3\x97";  // U+00D7 multiplication sign, UTF-8

std::vector<double> month_axis(int months) {
  std::vector<double> x;
  for (int m = 0; m < months; ++m) x.push_back(month_number(m));
  return x;
}

/// An empty line chart over the plan's months.
LineChart monthly_line_chart(const tco::PlanResult& plan, std::string title, std::string y_title) {
  const int months = plan_months(plan);
  LineChart chart;
  chart.title = std::move(title);
  chart.x_title = "month";
  chart.y_title = std::move(y_title);
  chart.x = month_axis(months);
  chart.x_ticks = month_ticks(months, kMonthTicks);
  return chart;
}

/// The option's cumulative cost, summed from its monthly cost when the planner left it empty.
std::vector<double> cumulative(const tco::OptionResult& o) {
  if (!o.cumulative_cost_usd.empty()) return o.cumulative_cost_usd;
  std::vector<double> sums;
  double sum = 0;
  for (double v : o.monthly_cost_usd) sums.push_back(sum += v);
  return sums;
}

std::string factor_text(double factor) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%.3g", kTimes, factor);
  return buf;
}

template <typename T>
T at_or(const std::vector<T>& v, std::size_t i, T fallback) {
  return i < v.size() ? v[i] : fallback;
}

}  // namespace

int month_number(int index) { return index + 1; }

int plan_months(const tco::PlanResult& plan) {
  std::size_t months = plan.horizon_months > 0 ? static_cast<std::size_t>(plan.horizon_months) : 0;
  for (const tco::OptionResult& o : plan.options) {
    months = std::max({months, o.monthly_cost_usd.size(), o.cumulative_cost_usd.size()});
    for (const auto& category : o.monthly_by_category_usd) months = std::max(months, category.second.size());
  }
  return static_cast<int>(std::max<std::size_t>(months, 1));
}

std::vector<std::pair<std::string, std::vector<double>>> monthly_by_category(const tco::OptionResult& o) {
  if (!o.monthly_by_category_usd.empty() || o.monthly_cost_usd.empty()) return o.monthly_by_category_usd;
  return {{"total", o.monthly_cost_usd}};
}

std::size_t recommended_index(const tco::PlanResult& plan) {
  for (std::size_t i = 0; i < plan.options.size(); ++i) {
    if (plan.options[i].name == plan.recommended) return i;
  }
  return plan.options.size();
}

std::string option_color(std::size_t i) { return palette_color(i); }

std::vector<std::string> plan_categories(const tco::PlanResult& plan) {
  std::vector<std::string> categories;
  const auto add = [&categories](const std::string& c) {
    if (std::find(categories.begin(), categories.end(), c) == categories.end()) categories.push_back(c);
  };
  for (const tco::OptionResult& o : plan.options) {
    for (const auto& layer : monthly_by_category(o)) add(layer.first);
    for (const auto& total : o.cost_by_category_usd) add(total.first);
  }
  return categories;
}

std::string category_label(const std::string& key) {
  if (key == "residual_value") return "Residual value (credit)";
  return breakdown_label(key);
}

LineChart make_cumulative_chart(const tco::PlanResult& plan) {
  LineChart chart = monthly_line_chart(plan, "Cumulative cost by option", "cumulative cost");
  const std::size_t best = recommended_index(plan);
  double lo = 0, hi = 0;
  for (std::size_t i = 0; i < plan.options.size(); ++i) {
    const tco::OptionResult& o = plan.options[i];
    LineSeries line{o.name, option_color(i), cumulative(o), i == best};
    if (line.y.size() > chart.x.size()) line.y.resize(chart.x.size());
    for (double v : line.y) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    if (o.break_even_month && *o.break_even_month >= 0 &&
        static_cast<std::size_t>(*o.break_even_month) < line.y.size()) {
      const int m = *o.break_even_month;
      chart.markers.push_back({static_cast<double>(month_number(m)), line.y[static_cast<std::size_t>(m)],
                               o.name + ": break-even month " + std::to_string(month_number(m)), line.color});
    }
    chart.series.push_back(std::move(line));
  }
  chart.y_ticks = nice_ticks(lo, hi, kValueAxisTicks, TickFormat::money);
  return chart;
}

StackedBarChart make_monthly_stack(const tco::PlanResult& plan, std::size_t option) {
  const int months = plan_months(plan);
  const auto n = static_cast<std::size_t>(months);
  StackedBarChart chart;
  chart.x_title = "month";
  chart.y_title = "cost per month";
  chart.x = month_axis(months);
  chart.x_ticks = month_ticks(months, kMonthTicks);
  chart.y_ticks = nice_ticks(0, 0, kValueAxisTicks, TickFormat::money);
  if (option >= plan.options.size()) return chart;
  const tco::OptionResult& o = plan.options[option];
  const std::vector<std::string> categories = plan_categories(plan);
  chart.title = o.name + ": monthly cost by category";
  // The option's own y axis, from its deepest negative stack to its highest positive one: a bought cluster's first
  // month would flatten a cloud option's bars to nothing on a shared axis (the cumulative chart compares options).
  std::vector<double> up(n, 0.0), down(n, 0.0);
  for (const auto& [category, values] : monthly_by_category(o)) {
    if (std::all_of(values.begin(), values.end(), [](double v) { return v == 0; })) continue;
    const auto index =
        static_cast<std::size_t>(std::find(categories.begin(), categories.end(), category) - categories.begin());
    StackLayer layer{category_label(category), palette_color(index), values};
    layer.values.resize(n, 0.0);
    for (std::size_t m = 0; m < n; ++m) (layer.values[m] >= 0 ? up[m] : down[m]) += layer.values[m];
    chart.layers.push_back(std::move(layer));
  }
  chart.y_ticks = nice_ticks(*std::min_element(down.begin(), down.end()), *std::max_element(up.begin(), up.end()),
                             kValueAxisTicks, TickFormat::money);
  return chart;
}

RangeBarChart make_tornado(const tco::PlanResult& plan) {
  RangeBarChart chart;
  const std::size_t r = recommended_index(plan);
  if (r >= plan.options.size() || plan.sensitivity.empty()) return chart;
  const double base = plan.options[r].npv_usd;
  chart.title = "What moves the NPV of " + plan.options[r].name;
  chart.x_title = "net present value of the cost";
  chart.reference = base;
  chart.reference_label = "base NPV " + units::format_money(base);
  chart.legend = {{"input low", kLowColor}, {"input high", kHighColor}};
  double lo = base, hi = base;
  for (const tco::SensitivityBar& bar : plan.sensitivity) {
    const double low = at_or(bar.low_total_usd, r, base), high = at_or(bar.high_total_usd, r, base);
    RangeRow row;
    row.label = (bar.label.empty() ? bar.input : bar.label) + " (" + factor_text(bar.low_factor) + " / " +
                factor_text(bar.high_factor) + ")";
    row.segments = {{std::min(base, low), std::max(base, low), kLowColor},
                    {std::min(base, high), std::max(base, high), kHighColor}};
    // When both cases move the same way, the longer bar goes first so the shorter one stays visible on top of it.
    const auto length = [](const RangeSegment& s) { return s.to - s.from; };
    if (length(row.segments[1]) > length(row.segments[0]) * (1 + 1e-9)) std::swap(row.segments[0], row.segments[1]);
    row.value_text = units::format_money(low) + " to " + units::format_money(high);
    lo = std::min({lo, low, high});
    hi = std::max({hi, low, high});
    chart.rows.push_back(std::move(row));
  }
  chart.x_ticks = nice_ticks(lo, hi, kValueAxisTicks, TickFormat::money);
  return chart;
}

std::vector<std::string> tornado_notes(const tco::PlanResult& plan) {
  std::vector<std::string> notes;
  for (const tco::SensitivityBar& bar : plan.sensitivity) {
    // low_best holds the cheapest option with the input low first, then (when given) with it high.
    for (std::size_t i = 0; i < std::min<std::size_t>(bar.low_best.size(), 2); ++i) {
      const std::string& best = bar.low_best[i];
      if (best.empty() || best == plan.recommended) continue;
      notes.push_back("With " + (bar.label.empty() ? bar.input : bar.label) + (i == 0 ? " low (" : " high (") +
                      factor_text(i == 0 ? bar.low_factor : bar.high_factor) + "), " + best + " becomes the cheapest.");
    }
  }
  return notes;
}

RangeBarChart make_monte_carlo_chart(const tco::PlanResult& plan) {
  RangeBarChart chart;
  if (!plan.monte_carlo) return chart;
  const tco::MonteCarloResult& mc = *plan.monte_carlo;
  chart.title = "NPV of the cost, P10 to P90 over " + format_grouped(mc.samples) + " samples";
  chart.x_title = "net present value of the cost";
  double lo = 0, hi = 0;
  bool first = true;
  for (std::size_t i = 0; i < plan.options.size(); ++i) {
    const double p10 = at_or(mc.p10_usd, i, 0.0), p50 = at_or(mc.p50_usd, i, 0.0), p90 = at_or(mc.p90_usd, i, 0.0);
    RangeRow row{
        plan.options[i].name,
        {{std::min(p10, p90), std::max(p10, p90), option_color(i)}},
        p50,
        "P50 " + units::format_money(p50) + ", cheapest in " + units::format_percent(at_or(mc.cheapest_share, i, 0.0))};
    lo = first ? std::min(p10, p90) : std::min({lo, p10, p90});
    hi = first ? std::max(p10, p90) : std::max({hi, p10, p90});
    first = false;
    chart.rows.push_back(std::move(row));
  }
  chart.x_ticks = nice_ticks(lo, hi, kValueAxisTicks, TickFormat::money);
  return chart;
}

LineChart make_demand_chart(const tco::PlanResult& plan) {
  LineChart chart = monthly_line_chart(plan, "GPUs needed (peak of each month)", "GPUs");
  double hi = 0;
  for (std::size_t i = 0; i < plan.demand.size(); ++i) {
    LineSeries line{plan.demand[i].gpu, palette_color(i), plan.demand[i].peak_gpus, false};
    if (line.y.size() > chart.x.size()) line.y.resize(chart.x.size());
    for (double v : line.y) hi = std::max(hi, v);
    chart.series.push_back(std::move(line));
  }
  chart.y_ticks = nice_ticks(0, hi, kValueAxisTicks, TickFormat::count);
  return chart;
}

}  // namespace capsim::planner::report
