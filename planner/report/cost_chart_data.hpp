#pragma once
/// @file cost_chart_data.hpp
/// The charts of a plan's cost report as data (chart_model.hpp), from a tco::PlanResult by pure functions. The HTML
/// report draws them as SVG, the PDF and the desktop app with QCustomPlot.

#include <cstddef>
#include <string>
#include <vector>

#include "planner/report/chart_model.hpp"
#include "planner/tco/plan_result.hpp"

namespace capsim::planner::report {

/// The month number people read for an index into the monthly vectors: index 0 is month 1. Every report prints
/// months (and break-even months) through this.
int month_number(int index);

/// Months the plan's monthly vectors span: the horizon, or the longest series when that is longer (at least 1).
int plan_months(const tco::PlanResult& plan);

/// The option's monthly cost by category; its monthly total as one category "total" when it has no categories.
std::vector<std::pair<std::string, std::vector<double>>> monthly_by_category(const tco::OptionResult& option);

/// Index of the recommended option in plan.options, or plan.options.size() when it names none of them.
std::size_t recommended_index(const tco::PlanResult& plan);

/// Colour of option `i` in every chart: palette colour i.
std::string option_color(std::size_t i);

/// Every cost category of every option, in the order they first occur (options in order, then their
/// monthly_by_category_usd, then their cost_by_category_usd): one colour per category across the report.
std::vector<std::string> plan_categories(const tco::PlanResult& plan);

/// Name of a cost category for people: "cloud_compute" -> "Cloud compute", "residual_value" -> "Residual value
/// (credit)".
std::string category_label(const std::string& key);

/// Cumulative cost of every option over the months, the recommended one emphasized, each break-even month marked
/// on its option's line.
LineChart make_cumulative_chart(const tco::PlanResult& plan);

/// Monthly cost of option `option` stacked by category (plan_categories order and colours), on the option's own y
/// axis (a bought cluster's first month would flatten every cloud option's bars on a shared one).
StackedBarChart make_monthly_stack(const tco::PlanResult& plan, std::size_t option);

/// The tornado of the recommended option: per input, a bar from its NPV to its NPV with the input low (blue) and one
/// to its NPV with the input high (orange), in plan.sensitivity's order (largest swing first), the NPV as the
/// reference line. tco::plan_study fills SensitivityBar's low and high totals with NPVs, as it ranks options by NPV.
/// No rows without a recommendation or sensitivity.
RangeBarChart make_tornado(const tco::PlanResult& plan);

/// Where an input moves the answer: "With GPU and server prices low (x0.8), Hybrid becomes the cheapest." One
/// sentence per tornado input whose low or high case makes another option the cheapest.
std::vector<std::string> tornado_notes(const tco::PlanResult& plan);

/// The Monte Carlo spread: per option a bar from P10 to P90 with a P50 tick and the share of samples in which it is
/// the cheapest (tco::plan_study samples NPVs). No rows without a Monte Carlo result.
RangeBarChart make_monte_carlo_chart(const tco::PlanResult& plan);

/// Peak GPUs needed per month, one line per GPU type of plan.demand.
LineChart make_demand_chart(const tco::PlanResult& plan);

}  // namespace capsim::planner::report
