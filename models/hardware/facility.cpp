#include "models/hardware/facility.hpp"

#include <algorithm>
#include <cmath>

#include <string>

#include "sim/core/units.hpp"

namespace capsim::hw {

namespace {

constexpr double kJoulesPerKWh = 3.6e6;

std::string watts(double w) { return units::format_power(w); }

std::string two_decimals(double x) {
  const long hundredths = std::lround(x * 100);
  const std::string frac = std::to_string(hundredths % 100);
  return std::to_string(hundredths / 100) + "." + (frac.size() < 2 ? "0" + frac : frac);
}

}  // namespace

const char* to_string(Cooling c) {
  switch (c) {
    case Cooling::air: return "air";
    case Cooling::direct_liquid: return "direct-liquid";
    case Cooling::immersion: return "immersion";
  }
  return "?";
}

double default_pue(Cooling c) {
  switch (c) {
    // Uptime Institute global surveys: 1.58 (2023), 1.56 (2024), a fleet still mostly air-cooled.
    case Cooling::air: return 1.56;
    // Estimate: new liquid-cooled AI halls reach 1.3 or better (reference/facility.md); cold plates take most of
    // the heat to warm water, so chillers and fans do far less: 1.2.
    case Cooling::direct_liquid: return 1.2;
    // Estimate: no server fans and dry coolers only; Google's fleet runs at about 1.1 (reference/facility.md).
    case Cooling::immersion: return 1.1;
  }
  return 1.56;
}

double default_rack_limit_W(Cooling c) {
  switch (c) {
    // Estimate: an air-cooled AI rack of four DGX H100 (4 x 10.2 kW), as NVIDIA's DGX SuperPOD racks hold.
    case Cooling::air: return 41e3;
    // A liquid-cooled GB200 NVL72 rack draws on the order of 120 kW (reference/facility.md).
    case Cooling::direct_liquid: return 120e3;
    // Estimate: single-phase immersion tanks are sold for 100 kW or so each.
    case Cooling::immersion: return 100e3;
  }
  return 41e3;
}

// Ember, Global Electricity Review 2024: world power generation emitted about 480 g CO2 per kWh in 2023.
double default_grid_kg_per_J() { return 0.480 / kJoulesPerKWh; }

// US EIA Electric Power Monthly: industrial customers paid about 8 cents per kWh on average in 2023.
double default_price_usd_per_J() { return 0.08 / kJoulesPerKWh; }

double FacilitySpec::effective_pue() const { return pue > 0 ? pue : default_pue(cooling); }
double FacilitySpec::effective_rack_limit_W() const {
  return rack_power_limit_W > 0 ? rack_power_limit_W : default_rack_limit_W(cooling);
}
double FacilitySpec::effective_grid_kg_per_J() const {
  return grid_kg_per_J > 0 ? grid_kg_per_J : default_grid_kg_per_J();
}
double FacilitySpec::effective_price_usd_per_J() const {
  return price_usd_per_J > 0 ? price_usd_per_J : default_price_usd_per_J();
}

int nodes_per_rack(const FacilitySpec& facility, double node_peak_W, const RackUnit& unit) {
  // A rack-scale system's nodes share the rack's switches and power shelves, whatever the rack limit says.
  if (unit.nodes > 0) return unit.nodes;
  return node_peak_W > 0 ? static_cast<int>(std::floor(facility.effective_rack_limit_W() / node_peak_W)) : 0;
}

FacilityPlan plan_facility(const FacilitySpec& facility, int nodes, double node_peak_W, double other_it_W,
                           const RackUnit& unit) {
  FacilityPlan plan;
  const double rack_W = facility.effective_rack_limit_W();
  const double pue = facility.effective_pue();
  plan.peak_it_W = nodes * node_peak_W + other_it_W;
  plan.peak_facility_W = plan.peak_it_W * pue;
  plan.nodes_per_rack = nodes_per_rack(facility, node_peak_W, unit);
  if (unit.liquid_cooled && facility.cooling == Cooling::air) {
    plan.problems.push_back("needs liquid cooling: " + unit.name +
                            " is cold-plate cooled and an air-cooled hall cannot remove its heat; set "
                            "facility.cooling to \"direct-liquid\"");
  }
  if (const double unit_W = unit.nodes * node_peak_W; unit.nodes > 0 && unit_W > rack_W) {
    plan.problems.push_back("needs " + watts(unit_W) + " per rack: " + unit.name + " holds " +
                            std::to_string(unit.nodes) + " nodes of " + watts(node_peak_W) +
                            " at peak, and a rack here carries " + watts(rack_W) +
                            ": raise facility.rack_power_limit or cap the GPUs (cluster.power.gpu_power_cap)");
  }
  if (plan.nodes_per_rack == 0) {
    plan.problems.push_back("one node needs " + watts(node_peak_W) + " but a rack carries " + watts(rack_W) +
                            ": raise facility.rack_power_limit (direct-liquid cooling carries " +
                            watts(default_rack_limit_W(Cooling::direct_liquid)) +
                            ") or cap the GPUs (cluster.power.gpu_power_cap)");
  } else {
    plan.racks = (nodes + plan.nodes_per_rack - 1) / plan.nodes_per_rack;
  }
  if (facility.hall_power_W > 0 && plan.peak_facility_W > facility.hall_power_W) {
    const double short_W = plan.peak_facility_W - facility.hall_power_W;
    const long fewer = static_cast<long>(std::ceil(short_W / (node_peak_W * pue)));
    plan.problems.push_back("needs " + watts(plan.peak_facility_W) + " of facility power at peak (" +
                            watts(plan.peak_it_W) + " IT x PUE " + two_decimals(pue) + "); the hall has " +
                            watts(facility.hall_power_W) + ": " + watts(short_W) + " short. Use " +
                            std::to_string(fewer) + " fewer nodes, better cooling (lower PUE) or a GPU power cap");
  }
  if (facility.cooling_capacity_W > 0 && plan.peak_it_W > facility.cooling_capacity_W) {
    const double short_W = plan.peak_it_W - facility.cooling_capacity_W;
    const long fewer = static_cast<long>(std::ceil(short_W / node_peak_W));
    plan.problems.push_back("puts out " + watts(plan.peak_it_W) + " of heat at peak; the cooling plant rejects " +
                            watts(facility.cooling_capacity_W) + ": " + watts(short_W) + " short. Use " +
                            std::to_string(fewer) + " fewer nodes or a GPU power cap");
  }
  return plan;
}

}  // namespace capsim::hw
