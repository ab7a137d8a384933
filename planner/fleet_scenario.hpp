#pragma once
/// @file fleet_scenario.hpp
/// The `fleet` block of a scenario: teams, jobs (a trace CSV, synthetic generators), inference services, the
/// policy and placement, failures; and the run that turns it into a fleet::FleetResult.

#include <optional>
#include <string>
#include <vector>

#include "sim/fleet/fleet_result.hpp"
#include "sim/fleet/fleet_spec.hpp"

namespace capsim::planner {

struct Scenario;
class ObjectReader;

/// A parsed `fleet` block. Services that name an inference workload get their replica capacity from the serving
/// model when the fleet is prepared.
struct FleetScenario {
  fleet::FleetSpec spec;                   ///< jobs from the trace and the generators, merged and sorted
  std::vector<std::string> service_workloads;  ///< per service: the scenario's inference workload; "" = given
  std::vector<std::size_t> trace_lines;    ///< per job: its trace line (0 = generated)
  std::string trace_file;
  std::int64_t trace_jobs = 0, generated_jobs = 0;
  double price_per_gpu_hour_usd = 0;  ///< `price_per_gpu_hour`; 0 = the price book's cheapest on-demand
  std::string instance;               ///< `instance`: a price-book instance whose on-demand rate prices GPU-hours
  std::vector<std::string> notes;     ///< what the trace reader converted or skipped
};

namespace detail {
/// Reads `fleet` into `scenario.fleet` (after the cluster, storage and simulation blocks). Problems go to the reader.
void parse_fleet(ObjectReader& top, Scenario& scenario);
}  // namespace detail

/// What a fleet run needs beyond the scenario: another policy or placement (fleet-compare), and nothing else.
struct FleetRunOptions {
  std::string policy;     ///< "" = the scenario's
  std::string placement;  ///< "" = the scenario's
};

/// A fleet ready to run: services sized by the serving model, GPU-hours priced.
struct PreparedFleet {
  fleet::FleetSpec spec;
  double price_per_gpu_hour_usd = 0;  ///< 0 = no price found
  std::string price_source;           ///< where the price comes from, in words
  std::vector<std::string> notes;     ///< trace conversions, service capacities, assumptions
};

/// Services' replica capacity from the serving model, the price of a GPU-hour, and the checks that need the whole
/// scenario. Throws capsim::InfeasibleError for what cannot run (a job larger than its team's hard quota).
PreparedFleet prepare_fleet(const Scenario& scenario);

/// Runs a prepared fleet under its policy or `options`' one, and prices each team's GPU-hours.
fleet::FleetResult run_fleet_scenario(const PreparedFleet& fleet, const FleetRunOptions& options = {});

}  // namespace capsim::planner
