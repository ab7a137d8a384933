#pragma once
/// @file plan_tables.hpp
/// The tables of a plan's cost report, from a tco::PlanResult by pure functions, every figure formatted with
/// capsim::units. The HTML report and the PDF draw the same tables.

#include <string>

#include "planner/report/report_table.hpp"
#include "planner/tco/plan_result.hpp"

namespace capsim::planner::report {

/// One row per option: kind, total, NPV, $/GPU-hour, $/M tokens, GPU-hours, utilization, GPUs bought and break-even
/// month; the recommended option emphasized and marked.
Table make_options_table(const tco::PlanResult& plan);

/// Utilization as people read it: owned GPUs busy, or a cloud commitment used; "-" where the option has neither.
std::string utilization_text(const tco::OptionResult& option);

/// Total per cost category (rows, plan_categories order) and option (columns), with a total row.
Table make_category_table(const tco::PlanResult& plan);

/// P10, P50, P90 and cheapest share per option; empty without a Monte Carlo result.
Table make_monte_carlo_table(const tco::PlanResult& plan);

/// One row per capacity shape: demand, kind, GPU, layout, GPUs, step time, tokens/s, goodput, requests/s,
/// GPU-hours, IT power and months.
Table make_shapes_table(const tco::PlanResult& plan);

/// The option's bill of materials with a total row; empty without one.
Table make_bom_table(const tco::OptionResult& option);

/// The option's GPU purchases: month paid, month online, GPUs and capex; empty without any.
Table make_purchases_table(const tco::OptionResult& option);

/// Every price the plan used: key, price as written, date, source, quality, an "estimate" marker and the file it
/// came from.
Table make_assumptions_table(const tco::PlanResult& plan);

}  // namespace capsim::planner::report
