#include "planner/facility_scenario.hpp"

#include <cctype>

namespace capsim::planner::detail {

namespace {

using nlohmann::json;
using units::Dimension;

constexpr double kMaxPower_W = 1e10;  // 10 GW: no hall is bigger
constexpr double kJoulesPerKWh = 3.6e6;

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

/// Joules in the energy unit after the "/" of a rate ("kWh", "MWh", "MJ"); nullopt if not an energy.
std::optional<double> per_energy_J(const std::string& unit) {
  return units::parse("1 " + trim(unit), Dimension::energy);
}

/// Kilograms in "380 g", "0.38 kg" or "0.38 t".
std::optional<double> mass_kg(const std::string& text) {
  const std::string t = trim(text);
  std::size_t end = 0;
  double value = 0;
  try {
    value = std::stod(t, &end);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::string unit = trim(t.substr(end));
  for (const char* suffix : {"CO2e", "CO2", "co2e", "co2"}) {
    const std::string sfx(suffix);
    if (unit.size() > sfx.size() && unit.compare(unit.size() - sfx.size(), sfx.size(), sfx) == 0) {
      unit = trim(unit.substr(0, unit.size() - sfx.size()));
      break;
    }
  }
  if (unit == "g") return value / 1e3;
  if (unit == "kg") return value;
  if (unit == "t") return value * 1e3;
  return std::nullopt;
}

/// A rate per unit of energy: a number in SI units (per joule) or "AMOUNT/ENERGY"; `amount` parses the left side.
template <typename Amount>
std::optional<double> per_energy(ObjectReader& o, std::string_view key, Amount amount, const std::string& example,
                                 double max) {
  const json* v = o.get(key);
  if (v == nullptr) return std::nullopt;
  JsonReader& r = o.reader();
  const std::string ptr = o.pointer(key);
  if (v->is_number()) {
    const double x = v->get<double>();
    if (x > 0 && x <= max) return x;
    r.error(ptr, "expected a positive value per joule, found " + describe_json(*v), "write it with units, e.g. " +
                                                                                      example);
    return std::nullopt;
  }
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    const auto slash = s.find('/');
    if (slash != std::string::npos) {
      const auto top = amount(s.substr(0, slash));
      const auto per = per_energy_J(s.substr(slash + 1));
      if (top && per && *top > 0 && *per > 0 && *top / *per <= max) return *top / *per;
    }
  }
  r.error(ptr, "expected an amount per unit of energy, found " + describe_json(*v), "e.g. " + example);
  return std::nullopt;
}

void parse_power(ObjectReader& c, hw::ClusterSpec& cluster) {
  const json* pj = c.get("power");
  if (pj == nullptr) return;
  JsonReader& r = c.reader();
  ObjectReader p(r, *pj, c.pointer("power"));
  hw::PowerSpec& ps = cluster.power;
  if (auto v = p.quantity("gpu_power_cap", Dimension::power, 0, kMaxPower_W, true)) {
    const hw::GpuSpec& gpu = cluster.gpu;
    if (gpu.tdp_W > 0 && *v > gpu.tdp_W) {
      r.error(p.pointer("gpu_power_cap"),
              "a cap of " + units::format_power(*v) + " is above the " + gpu.id + "'s TDP of " +
                  units::format_power(gpu.tdp_W),
              "use at most " + units::format_power(gpu.tdp_W) + ", or leave the key out for no cap");
    } else if (*v <= gpu.idle_W) {
      r.error(p.pointer("gpu_power_cap"),
              "a cap of " + units::format_power(*v) + " is not above the GPU's idle draw of " +
                  units::format_power(gpu.idle_W),
              "a GPU cannot run below its idle power; use e.g. half its TDP");
    } else {
      ps.gpu_power_cap_W = *v;
    }
  }
  if (auto v = p.quantity("node_overhead", Dimension::power, 0, 1e6)) ps.node_overhead_W = *v;
  if (auto v = p.quantity("switch_port", Dimension::power, 0, 1e4)) ps.switch_port_W = *v;
  if (auto v = p.integer("storage_servers", 0, 1'000'000)) ps.storage_servers = static_cast<int>(*v);
  if (auto v = p.quantity("storage_server_power", Dimension::power, 0, 1e6)) ps.storage_server_W = *v;
  p.finish();
}

void parse_facility(ObjectReader& c, hw::ClusterSpec& cluster) {
  const json* fj = c.get("facility");
  if (fj == nullptr) return;
  JsonReader& r = c.reader();
  ObjectReader f(r, *fj, c.pointer("facility"));
  hw::FacilitySpec& fs = cluster.facility;
  if (auto v = f.choice("cooling", {"air", "direct-liquid", "immersion"})) {
    fs.cooling = *v == "air" ? hw::Cooling::air : *v == "direct-liquid" ? hw::Cooling::direct_liquid
                                                                          : hw::Cooling::immersion;
  }
  // A PUE below 1 would make energy; above 4 no hall built this century reports (Uptime surveys).
  if (auto v = f.number("pue", 1, 4)) fs.pue = *v;
  if (auto v = f.quantity("rack_power_limit", Dimension::power, 0, 1e7, true)) fs.rack_power_limit_W = *v;
  if (auto v = f.quantity("hall_power", Dimension::power, 0, kMaxPower_W, true)) fs.hall_power_W = *v;
  if (auto v = f.quantity("cooling_capacity", Dimension::power, 0, kMaxPower_W, true)) fs.cooling_capacity_W = *v;
  // The dirtiest grids emit about 1 kg per kWh (coal); allow twice that.
  if (auto v = per_energy(f, "grid_intensity", mass_kg, "\"380 g/kWh\" or \"0.38 kg/kWh\"", 2.0 / kJoulesPerKWh)) {
    fs.grid_kg_per_J = *v;
  }
  const auto money = [](const std::string& s) { return units::parse(trim(s), Dimension::money); };
  if (auto v = per_energy(f, "electricity_price", money, "\"$0.08/kWh\" or \"$80/MWh\"", 100.0 / kJoulesPerKWh)) {
    fs.price_usd_per_J = *v;
  }
  f.finish();
}

}  // namespace

void parse_power_and_facility(ObjectReader& c, hw::ClusterSpec& cluster) {
  parse_power(c, cluster);
  parse_facility(c, cluster);
}

}  // namespace capsim::planner::detail
