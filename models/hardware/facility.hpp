#pragma once
/// @file facility.hpp
/// The data hall around a cluster: cooling and PUE, racks under a power limit per rack, the hall's power and
/// cooling capacity, and the grid's carbon intensity and price.

#include <string>
#include <vector>

namespace capsim::hw {

/// How the hall removes heat.
enum class Cooling { air, direct_liquid, immersion };

/// "air", "direct-liquid" or "immersion".
const char* to_string(Cooling c);

/// A facility as the scenario describes it (`facility`); zero fields take the defaults of the cooling kind.
struct FacilitySpec {
  Cooling cooling = Cooling::air;
  double pue = 0;                  ///< facility power / IT power; 0 = default_pue(cooling)
  double rack_power_limit_W = 0;   ///< IT power one rack may draw; 0 = default_rack_limit_W(cooling)
  double hall_power_W = 0;         ///< facility power the hall can supply (IT x PUE); 0 = unchecked
  double cooling_capacity_W = 0;   ///< heat the cooling plant can reject (= IT power); 0 = unchecked
  double grid_kg_per_J = 0;        ///< CO2-equivalent per joule drawn; 0 = default_grid_kg_per_J()
  double price_usd_per_J = 0;      ///< electricity price per joule; 0 = default_price_usd_per_J()

  /// PUE in effect.
  double effective_pue() const;
  /// Rack limit in effect, watts.
  double effective_rack_limit_W() const;
  double effective_grid_kg_per_J() const;
  double effective_price_usd_per_J() const;
};

/// Typical PUE of a hall with this cooling (sources in facility.cpp).
double default_pue(Cooling c);
/// Typical IT power one rack of this cooling can carry, watts.
double default_rack_limit_W(Cooling c);
/// World-average grid carbon intensity, kg CO2e per joule.
double default_grid_kg_per_J();
/// Typical industrial electricity price, USD per joule.
double default_price_usd_per_J();

/// What a cluster needs from its hall.
struct FacilityPlan {
  int nodes_per_rack = 0;      ///< 0: one node exceeds the rack limit
  long racks = 0;              ///< racks for the GPU nodes (switches and storage not counted)
  double peak_it_W = 0;        ///< every node at its provisioned peak, plus fabric and storage
  double peak_facility_W = 0;  ///< peak_it_W x PUE
  std::vector<std::string> problems;  ///< limits the cluster breaks, each with how much and what would fix it
};

/// A node that comes as part of a rack-scale system, sold and installed a whole rack at a time (GB200 NVL72: 18
/// compute trays and their NVLink switch trays), and the cooling it needs.
struct RackUnit {
  int nodes = 0;              ///< nodes per rack; 0: nodes are racked as power allows
  bool liquid_cooled = false;  ///< its GPUs are cold-plate cooled: an air-cooled hall cannot take it
  std::string name;            ///< what the rack is, for messages
};

/// Nodes one rack holds: a rack-scale system's own count (`unit.nodes` > 0), else as many as the facility's rack power
/// limit carries at `node_peak_W` each (0 when one node exceeds it).
int nodes_per_rack(const FacilitySpec& facility, double node_peak_W, const RackUnit& unit = {});

/// Racks and the hall checks for `nodes` nodes of provisioned power `node_peak_W` plus `other_it_W` (switches,
/// storage) in `facility`. A rack-scale system (`unit.nodes` > 0) fills whole racks of its own size, and says so
/// where the facility's racks or cooling cannot take one.
FacilityPlan plan_facility(const FacilitySpec& facility, int nodes, double node_peak_W, double other_it_W,
                           const RackUnit& unit = {});

}  // namespace capsim::hw
