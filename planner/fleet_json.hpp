#pragma once
/// @file fleet_json.hpp
/// The `fleet` object of `capsim run --json` and the rows of `capsim fleet-compare --json`.

#include <nlohmann/json.hpp>

#include "planner/fleet_scenario.hpp"
#include "sim/fleet/fleet_result.hpp"

namespace capsim::planner {

/// Everything a fleet run reports, in SI units (seconds, GPU-hours, USD); `series` only when `with_series`.
nlohmann::json fleet_to_json(const fleet::FleetResult& result, bool with_series = true);

/// The hourly series as CSV: t_h, allocated, busy, down, queued, running, fragmented, then per team its GPUs held,
/// jobs queued and jobs running.
std::string fleet_series_csv(const fleet::FleetResult& result);

}  // namespace capsim::planner
