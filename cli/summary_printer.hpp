#pragma once
/// @file summary_printer.hpp
/// The human-readable summary of `capsim run`: what a planner reads at a glance.

#include <ostream>

#include "planner/run.hpp"
#include "planner/scenario.hpp"

namespace capsim::cli {

/// Prints the cluster, then per training workload its step time and breakdown, throughput, MFU, memory and time to
/// train.
void print_summary(const planner::Scenario& scenario, const planner::ScenarioResult& result, std::ostream& out);

}  // namespace capsim::cli
