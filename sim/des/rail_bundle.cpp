#include "sim/des/rail_bundle.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include <simgrid/s4u.hpp>

namespace capsim::sim::des {

namespace sg4 = simgrid::s4u;

bool can_bundle_rails(const DesPlatform& platform, bool checkpoint_writes, bool failed_cables) {
  return platform.rails() > 1 && !checkpoint_writes && !failed_cables;
}

void bundle_rails(DesPlatform& platform) {
  if (platform.is_torus()) return;  // rails share their node's host: nothing to scale (rail_bundle.hpp)
  const FatTreeShape& shape = platform.shape;
  const double rails = shape.rails;
  const double groups = std::max(1, shape.leaf_groups);
  for (sg4::Link* link : sg4::Engine::get_instance()->get_all_links()) {
    const std::optional<FabricLinkEnds> e = decode_fabric_link(shape, link->get_name());
    if (!e) continue;  // storage clients: idle in a bundled run
    if (e->tier > 0) {
      link->set_bandwidth(link->get_bandwidth() * groups);
      continue;
    }
    const LeafRole role = shape.leaf_role(static_cast<int>(e->child_pos));
    if (role.kind == LeafRole::Kind::nic && role.rail == 0) link->set_bandwidth(link->get_bandwidth() * rails);
  }
}

std::string bundled_link_name(const DesPlatform& platform, const std::string& name) {
  // fabric_link_name() writes a NIC as "node N nic R"; rail 0 is the only one a bundled run loads.
  const std::string::size_type at = name.find(" nic 0");
  if (at == std::string::npos || name.find("node ") == std::string::npos) return name;
  const std::string::size_type end = at + 6;
  if (end < name.size() && name[end] != ' ') return name;  // "nic 0" is not "nic 01"
  return name.substr(0, at) + " NICs (" + std::to_string(platform.rails()) + ")" + name.substr(end);
}

}  // namespace capsim::sim::des
