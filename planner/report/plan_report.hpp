#pragma once
/// @file plan_report.hpp
/// The cost reports of `capsim plan`: the cash flow as CSV and the whole answer as one self-contained HTML page
/// (inline CSS and SVG charts, no script, nothing fetched). The PDF is in planner/report/pdf/ (it needs Qt).

#include <string>

#include "planner/tco/plan_result.hpp"

namespace capsim::planner::report {

/// The cash flow in long format: a header `month,option,kind,category,cost_usd`, then one row per month (1 to the
/// horizon), option (study order) and category of that option (its monthly_by_category_usd order; "total" when it
/// has none). Costs are plain USD with cents ("-1234.50" for a credit); names are quoted per RFC 4180 when they hold
/// a comma, quote or line break. Lines end in CRLF, as RFC 4180 asks.
std::string plan_costs_csv(const tco::PlanResult& plan);

/// The whole plan as one HTML page. Sections, in order: the answer (headline, recommended option, reasons,
/// warnings); the options (table, cost by category, descriptions and notes); cumulative cost per option (line chart,
/// break-even months marked); monthly cost by category per option (stacked bars); sensitivity (tornado of the
/// recommended option's NPV); Monte Carlo (P10-P90 bars and table, when present); the capacity behind the
/// GPU-hours (demand, shapes table, each shape's step-time and power breakdown); bills of materials and purchases
/// of the options that buy; the assumptions (every price with its date, source, quality and an estimate marker).
/// Every text from the study is escaped.
std::string plan_report_html(const tco::PlanResult& plan);

}  // namespace capsim::planner::report
