#pragma once
/// @file fabric_summary.hpp
/// The "Fabric:" lines of `capsim run`'s summary: the switch tiers, switches, ports, cables, optics and NIC ports of
/// the scale-out fabric the run was planned on.

#include <ostream>

#include "planner/fabric_inventory.hpp"

namespace capsim::cli {

/// Prints one or two lines, indented under "Cluster:"; a torus gets its dimensions and cables (it has no switches),
/// a single node a line saying it has no scale-out fabric.
void print_fabric(const planner::FabricInventory& fabric, std::ostream& out);

}  // namespace capsim::cli
