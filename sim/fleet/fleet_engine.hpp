#pragma once
/// @file fleet_engine.hpp
/// The fleet engine: many teams' batch jobs and inference services on one cluster, over weeks or months, under a
/// scheduling policy, with node failures and repairs.
///
/// Why a plain event loop and not SimGrid: a fleet run has a million jobs but only a handful of state changes per
/// job (arrive, start, fail, finish), and each job's speed on its placement comes from the analytical engine. The
/// work is queue ordering and GPU bookkeeping, which SimGrid would express as actors and activities at a hundred
/// times the cost, as for request-level serving (sim/serving). Contention between jobs on a shared fabric is the
/// DES engine's job (`capsim run --engine des` with several workloads); here a gang spread over more leaves runs at
/// the speed the analytical engine gives for that spread.

#include "sim/fleet/fleet_result.hpp"
#include "sim/fleet/fleet_spec.hpp"

namespace capsim::fleet {

/// Runs the fleet. `spec.jobs` must be sorted by submit time (the planner merges trace and generated jobs) and
/// every job must fit the cluster. Deterministic for `spec.seed`. Throws capsim::InfeasibleError when a job's
/// shape cannot run on its GPUs.
FleetResult run_fleet(const FleetSpec& spec);

/// Leaves of the cluster's scale-out fabric as the fleet places jobs: nodes whose NICs share a leaf switch.
int fleet_nodes_per_leaf(const hw::ClusterSpec& cluster);

}  // namespace capsim::fleet
