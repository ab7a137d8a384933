#include "cli/fabric_summary.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/core/units.hpp"

namespace capsim::cli {

namespace {

using units::format_integer;

std::string gbps(double bytes_per_s) { return fmt::format("{:.0f} Gb/s", bytes_per_s * 8 / 1e9); }

/// "2,048 cables (1,024 copper, 1,024 optical)".
std::string cables(const net::FabricCounts& c) {
  return fmt::format("{} cable{} ({} copper, {} optical)", format_integer(c.cables), c.cables == 1 ? "" : "s",
                     format_integer(c.copper_cables), format_integer(c.optical_cables));
}

}  // namespace

void print_fabric(const planner::FabricInventory& f, std::ostream& out) {
  const net::FabricCounts& c = f.counts;
  if (!f.built) {
    out << fmt::format("Fabric: none: one node, whose {} NIC port{} reach no scale-out switch or cable\n",
                       format_integer(c.endpoints), c.endpoints == 1 ? "" : "s");
    return;
  }
  if (f.torus()) {
    std::vector<std::string> per_dim;
    for (long n : c.cables_per_tier) per_dim.push_back(format_integer(n));
    out << fmt::format("Fabric: switchless 3D torus of {} x {} x {} nodes, {} cables of {} ({} in x/y/z)\n",
                       f.torus_dims[0], f.torus_dims[1], f.torus_dims[2], format_integer(c.cables),
                       gbps(f.port_bw_Bps), fmt::join(per_dim, "/"));
    out << fmt::format("        {} copper, {} optical; {} optics; {} NIC ports\n", format_integer(c.copper_cables),
                       format_integer(c.optical_cables), format_integer(c.optics), format_integer(c.endpoints));
    return;
  }
  std::vector<std::string> switches;
  std::vector<std::string> oversubscribed;
  for (const net::TierCount& t : c.tiers) {
    switches.push_back(fmt::format("{} {}", format_integer(t.switches), t.name));
    if (t.oversubscription > 1 + 1e-9) oversubscribed.push_back(fmt::format("{} {:.3g}:1", t.name, t.oversubscription));
  }
  const int radix = c.tiers.empty() ? 0 : c.tiers.front().radix;
  std::string first = fmt::format("Fabric: {} tier{}{}, {} switch{} of {} x {} ports ({} ports, {} free)",
                                  c.tiers.size(), c.tiers.size() == 1 ? "" : "s",
                                  f.planes > 1 ? fmt::format(" in {} planes", f.planes) : "",
                                  fmt::join(switches, " + "), c.switches == 1 ? "" : "es", radix, gbps(f.port_bw_Bps),
                                  format_integer(c.switch_ports), format_integer(c.switch_ports - c.switch_ports_used));
  if (!oversubscribed.empty()) first += fmt::format("; {} as built", fmt::join(oversubscribed, ", "));
  out << first << '\n';
  out << fmt::format("        {}, {} optics, {} NIC ports\n", cables(c), format_integer(c.optics),
                     format_integer(c.endpoints));
}

}  // namespace capsim::cli
