#pragma once
/// @file scenario_report.hpp
/// The report of one `capsim run` as a self-contained HTML page (`capsim run --out DIR` writes it beside
/// result.json): for each training workload its headline figures, step-time breakdown, memory stack and power by
/// part; for each inference workload its headline figures, TTFT/TPOT/end-to-end percentiles and power.

#include <string>

#include "planner/run.hpp"
#include "planner/scenario.hpp"

namespace capsim::planner::report {

/// The run's report: a header naming the scenario, engine and cluster, the run's warnings, then one section per
/// training workload (cards, details table, step-time breakdown, memory per GPU against HBM, IT power by part when
/// computed) and per inference workload (cards, latency percentiles table, details, IT power by part, notes). Every
/// text from the scenario is escaped; no script, no external resource.
std::string scenario_report_html(const ScenarioResult& result, const Scenario& scenario);

}  // namespace capsim::planner::report
