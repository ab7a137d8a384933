#pragma once
/// @file fleet_summary.hpp
/// What `capsim run` prints for a fleet, and the one table `capsim fleet-compare` prints.

#include <string>
#include <vector>

#include "planner/fleet_scenario.hpp"
#include "planner/scenario.hpp"
#include "sim/fleet/fleet_result.hpp"

namespace capsim::cli {

/// The fleet summary: jobs, utilization three ways, JCT and queueing overall, per team and per job size,
/// services, prices and notes.
std::string fleet_summary(const planner::Scenario& scenario, const planner::PreparedFleet& fleet,
                          const fleet::FleetResult& result);

/// One row per run (policy and placement), the same jobs in each.
std::string fleet_comparison(const planner::Scenario& scenario, const planner::PreparedFleet& fleet,
                             const std::vector<fleet::FleetResult>& runs);

}  // namespace capsim::cli
