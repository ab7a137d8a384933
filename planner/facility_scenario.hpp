#pragma once
/// @file facility_scenario.hpp
/// Private to planner/scenario*.cpp: reads `cluster.power` and `cluster.facility`, checking each key with its JSON
/// pointer.
///
/// Keys (all optional; defaults in models/hardware/catalog/power.json and facility.cpp, each with its source):
///  - "power": {"gpu_power_cap": power (at most the GPU's TDP), "node_overhead": power per node at the wall,
///    "switch_port": power per scale-out switch port, "storage_servers": count, "storage_server_power": power}
///  - "facility": {"cooling": "air" | "direct-liquid" | "immersion", "pue" (1-4), "rack_power_limit": power,
///    "hall_power": facility power the hall supplies, "cooling_capacity": heat the plant rejects,
///    "grid_intensity": "380 g/kWh" (or kg CO2e per joule), "electricity_price": "$0.08/kWh" (or USD per joule)}

#include "models/hardware/cluster.hpp"
#include "planner/json_reader.hpp"

namespace capsim::planner::detail {

/// Reads the `power` and `facility` members of cluster object `c` into `cluster.power` and `cluster.facility`.
/// `cluster.gpu` must already be set (the power cap is checked against its TDP).
void parse_power_and_facility(ObjectReader& c, hw::ClusterSpec& cluster);

}  // namespace capsim::planner::detail
