#pragma once
/// @file fleet_report.hpp
/// The report of a fleet run (`capsim run --out DIR` on a scenario with a `fleet` block) as a self-contained HTML
/// page: the headline figures, GPUs held per team day by day against the cluster, the queue and the running jobs
/// hour by hour, and the tables by team, by job size and by service. The charts are plain data (chart_model.hpp),
/// so the desktop app draws the same ones.

#include <string>

#include "planner/fleet_scenario.hpp"
#include "planner/report/chart_model.hpp"
#include "planner/scenario.hpp"
#include "sim/fleet/fleet_result.hpp"

namespace capsim::planner::report {

/// GPUs held per team, daily means of the hourly series, stacked; plus GPUs in repair.
StackedBarChart fleet_allocation_chart(const fleet::FleetResult& result);

/// Jobs queued and running, hour by hour.
LineChart fleet_queue_chart(const fleet::FleetResult& result);

/// The page. Every text from the scenario is escaped; no script, no external resource.
std::string fleet_report_html(const Scenario& scenario, const PreparedFleet& fleet, const fleet::FleetResult& result);

}  // namespace capsim::planner::report
