#pragma once
/// @file result_charts.hpp
/// Simulation results as report charts: the step-time breakdown, the memory stack and the power by part, built from
/// the GUI's chart series (planner/chart_data.hpp) so the reports and the desktop app show the same parts.

#include <string>
#include <utility>
#include <vector>

#include "planner/chart_data.hpp"
#include "planner/report/chart_model.hpp"

namespace capsim::planner::report {

/// Colour of a breakdown group (planner::breakdown_group): blue compute, orange communication, grey idle, as the GUI
/// draws them.
std::string breakdown_group_color(const std::string& group);

/// The step-time breakdown as horizontal bars from zero, coloured by group, with "1.52 s (43.1%)" beside each bar
/// and a legend of the groups present.
RangeBarChart breakdown_chart(const BarSeries& series);

/// The step-time breakdown of named parts (seconds), as breakdown_chart draws a training result's.
RangeBarChart breakdown_chart(const std::vector<std::pair<std::string, double>>& breakdown_s);

/// Memory per GPU as one stacked bar (bottom part first, left to right) against the HBM capacity line.
RangeBarChart memory_chart(const StackSeries& series);

/// IT power by part (watts) as horizontal bars from zero, largest first, "5.60 kW (62.1%)" beside each bar. Parts of
/// zero watts are left out.
RangeBarChart power_chart(const std::vector<std::pair<std::string, double>>& parts_W, const std::string& title);

}  // namespace capsim::planner::report
