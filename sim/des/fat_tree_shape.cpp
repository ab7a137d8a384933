#include "sim/des/fat_tree_shape.hpp"

#include <algorithm>
#include <charconv>

#include "models/network/clos_plan.hpp"
#include "models/network/fabric_factory.hpp"
#include "sim/core/error.hpp"

namespace capsim::sim::des {

FatTreeShape fat_tree_shape(const hw::ClusterSpec& cluster, int nodes) {
  const auto& so = cluster.scale_out;
  // build_platform() lays a torus out with torus_shape(); a Clos plan of its NICs would be a fabric it does not have.
  if (so.topology == "torus3d") throw Error("fat_tree_shape: a 3D torus has no tree shape (use torus_shape)");
  const net::ClosOptions options = net::clos_options(cluster);
  const int rails = std::max(1, so.nics_per_node);
  // Leaves never mix rails on a rail-optimized fabric, nor planes on a multi-plane one; a classic fat-tree puts all
  // of a node's NICs on one leaf (models/network/clos_fabric.cpp places them the same way).
  const int leaf_groups = options.rails > 0 ? options.rails : std::max(1, options.planes);
  net::ClosRequest request;
  request.endpoints = 1L * nodes * rails;
  request.groups = leaf_groups;
  request.radix = options.radix;
  request.tiers = so.tiers;
  request.leaf_oversubscription = so.oversubscription;
  request.spine_oversubscription = so.spine_oversubscription;
  const net::ClosPlan plan = net::plan_clos(request);
  if (!plan.ok()) throw InfeasibleError("the DES cannot build the fabric: " + plan.problem + " (" + plan.hint + ")");

  FatTreeShape s;
  s.nodes = nodes;
  s.rails = rails;
  s.leaf_groups = leaf_groups;
  s.link_bw_Bps = so.nic_bw_Bps * so.nic_efficiency;
  const long per_group = request.endpoints / leaf_groups;
  const auto u = [](long v) { return static_cast<unsigned>(std::max(1L, v)); };
  if (plan.tiers <= 1) {
    // One switch: a single leaf group (plan_clos builds no one-tier fabric for several).
    s.levels = 1;
    s.down = {u(per_group)};
    s.up = {1};
    s.number = {1};
    s.rail_leaves = static_cast<int>(per_group);
  } else if (plan.tiers == 2) {
    // Every leaf of every group reaches the spines over leaf_up cables. A group on one leaf needs no padding.
    s.levels = 2;
    const long per_leaf = plan.leaves_per_group == 1 ? per_group : plan.leaf_down;
    s.down = {u(per_leaf), u(plan.leaves)};
    s.uplink_cables = {1, plan.leaf_up};
    s.rail_leaves = static_cast<int>(per_leaf * plan.leaves_per_group);
  } else {
    // Pods belong to one group; their spines reach the cores over spine_up cables each.
    s.levels = 3;
    s.down = {u(plan.leaf_down), u(plan.leaves_per_pod), u(plan.pods)};
    s.uplink_cables = {1, plan.leaf_up, plan.spines_per_pod * plan.spine_up};
    s.rail_leaves = static_cast<int>(1L * plan.leaf_down * plan.leaves_per_pod * plan.pods_per_group);
  }
  // Adaptive routing spreads a switch's traffic over all its uplinks (NVIDIA Quantum-2 and Spectrum-X route
  // packets adaptively; NCCL opens several queue pairs per peer): each switch has one SimGrid parent, reached over
  // one link of all its uplinks' bandwidth (build_platform sets it). SimGrid 3.32 routes a fat-tree statically,
  // choosing the uplink by destination and the parallel cable down by source (FatTreeZone::get_local_route): with
  // the cables apart, the eight flows of a node pair's rails would crowd a few of them.
  s.up.assign(s.levels, 1);
  s.number.assign(s.levels, 1);
  if (s.uplink_cables.empty()) s.uplink_cables = {1};
  s.leaves = 1;
  for (unsigned d : s.down) s.leaves *= static_cast<int>(d);
  s.group_compute_leaves = s.leaves;
  return s;
}

int FatTreeShape::nic_leaf(int node, int rail) const {
  const int g = std::max(1, group_compute_leaves);
  const int per_node = std::max(1, rails / std::max(1, leaf_groups));
  const int slot = rail % leaf_groups * rail_leaves + node * per_node + rail / leaf_groups;
  return slot / g * (g + group_storage_leaves) + slot % g;
}

int FatTreeShape::storage_leaf(int endpoint) const {
  const int per_group = std::max(1, group_storage_leaves);
  return endpoint / per_group * (group_compute_leaves + group_storage_leaves) + group_compute_leaves +
         endpoint % per_group;
}

LeafRole FatTreeShape::leaf_role(int leaf) const {
  const int span = std::max(1, group_compute_leaves + group_storage_leaves);
  const int group = leaf / span;
  const int offset = leaf % span;
  LeafRole role;
  if (offset >= group_compute_leaves) {
    role.kind = LeafRole::Kind::storage;
    role.storage = group * group_storage_leaves + offset - group_compute_leaves;
    return role;
  }
  const int slot = group * group_compute_leaves + offset;
  const int leaf_group = slot / std::max(1, rail_leaves);
  const int t = slot % std::max(1, rail_leaves);
  const int per_node = std::max(1, rails / std::max(1, leaf_groups));
  const int node = t / per_node;
  if (leaf_group >= leaf_groups || node >= nodes) return role;
  role.kind = LeafRole::Kind::nic;
  role.node = node;
  role.rail = t % per_node * leaf_groups + leaf_group;
  return role;
}

FatTreeShape with_storage(FatTreeShape s) {
  if (s.group_storage_leaves > 0) return s;
  // SimGrid numbers leaves with down[0] varying fastest, then down[1]: one more leaf switch per group puts its
  // ports right after the group's compute leaves.
  if (s.levels == 1) {
    s.group_compute_leaves = static_cast<int>(s.down[0]);
    s.group_storage_leaves = kSingleSwitchStorageEndpoints;
    s.down[0] += kSingleSwitchStorageEndpoints;
    s.groups = 1;
  } else {
    s.group_compute_leaves = static_cast<int>(s.down[0] * s.down[1]);
    s.group_storage_leaves = static_cast<int>(s.down[0]);
    s.down[1] += 1;
    s.groups = s.levels == 3 ? static_cast<int>(s.down[2]) : 1;
  }
  s.leaves = 1;
  for (unsigned d : s.down) s.leaves *= static_cast<int>(d);
  return s;
}

namespace {

/// Reads an unsigned decimal at `text[at]` followed by `end`; advances `at` past both.
bool read_field(const std::string& text, size_t& at, char end, long& value) {
  const char* first = text.data() + at;
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr == first || ptr == last || *ptr != end || value < 0) return false;
  at = static_cast<size_t>(ptr - text.data()) + 1;
  return true;
}

}  // namespace

std::optional<FabricLinkEnds> decode_fabric_link(const FatTreeShape& s, const std::string& name) {
  // SimGrid 3.32's FatTreeZone (src/kernel/routing/FatTreeZone.cpp) names the two directions of a cable
  // "link_from_<child>_<parent>_<n>_UP|DOWN" (add_link) and keeps no public map from a link to its switches, so
  // the ids are decoded here:
  // - leaves (level 0) have ids 0..leaves-1 in leaf order (create_fatTree_zone -> add_processing_node(i));
  // - switches count down from 2 x leaves - 1, level 1 first, each level by position (generate_switches); level
  //   l + 1 has prod(up[0..l]) x prod(down[l+1..]) of them. A parent is always a switch, so its id alone gives its
  //   level, and the child sits one level below it;
  // - <n> counts cables in creation order: level by level, each child by position, its parents by position, then
  //   the `number[l]` parallel cables to each (build_upper_levels -> connect_node_to_parents). Only the cable
  //   number is taken from it, after checking it agrees with the ids (one fat-tree per process: the counter is a
  //   static starting at 0).
  // tests/des/link_names_test.cpp pins this on live 2- and 3-tier platforms.
  static const std::string prefix = "link_from_";
  if (name.rfind(prefix, 0) != 0) return std::nullopt;
  size_t at = prefix.size();
  long child = 0, parent = 0, serial = 0;
  if (!read_field(name, at, '_', child) || !read_field(name, at, '_', parent) || !read_field(name, at, '_', serial)) {
    return std::nullopt;
  }
  const std::string dir = name.substr(at);
  if (dir != "UP" && dir != "DOWN") return std::nullopt;

  const auto levels = static_cast<long>(s.levels);
  if (levels < 1 || s.down.size() != s.levels || s.up.size() != s.levels || s.number.size() != s.levels) return std::nullopt;
  std::vector<long> per_level(levels + 1, 1);  // nodes by level, 0 = leaves
  for (long l = 0; l < levels; ++l) per_level[0] *= s.down[l];
  for (long l = 0; l < levels; ++l) {
    for (long j = 0; j <= l; ++j) per_level[l + 1] *= s.up[j];
    for (long j = l + 1; j < levels; ++j) per_level[l + 1] *= s.down[j];
  }
  const long leaves = per_level[0];
  // The parent's level and position.
  long rank = 2 * leaves - 1 - parent;  // switches in creation order
  if (rank < 0) return std::nullopt;
  long parent_level = 1;
  while (parent_level <= levels && rank >= per_level[parent_level]) rank -= per_level[parent_level++];
  if (parent_level > levels) return std::nullopt;
  const long parent_pos = rank;
  const long tier = parent_level - 1;  // the cable's lower level
  long child_pos = child;
  if (tier > 0) {
    child_pos = 2 * leaves - 1 - child;
    for (long l = 1; l < tier; ++l) child_pos -= per_level[l];
  }
  if (child_pos < 0 || child_pos >= per_level[tier]) return std::nullopt;
  // The cable number, from the serial: cables of lower tiers, then `up x number` per child.
  const long cables = s.number[tier];
  long offset = serial;
  for (long l = 0; l < tier; ++l) offset -= per_level[l] * s.up[l] * static_cast<long>(s.number[l]);
  if (offset < 0 || offset / (static_cast<long>(s.up[tier]) * cables) != child_pos) return std::nullopt;
  const long cable = offset % cables;

  return FabricLinkEnds{static_cast<int>(tier), child_pos, parent_pos, cable, dir == "UP"};
}

std::string fabric_link_name(const FatTreeShape& s, const std::string& name) {
  const std::optional<FabricLinkEnds> e = decode_fabric_link(s, name);
  if (!e) return name;
  const auto levels = static_cast<long>(s.levels);
  const auto describe = [&](long level, long pos) -> std::string {
    if (level == 0) {
      const LeafRole role = s.leaf_role(static_cast<int>(pos));
      if (role.kind == LeafRole::Kind::storage) return "storage " + std::to_string(role.storage);
      if (role.kind == LeafRole::Kind::padding) return "port " + std::to_string(pos);
      return "node " + std::to_string(role.node) + " nic " + std::to_string(role.rail);
    }
    if (level == 1) {
      if (s.group_storage_leaves == 0 || levels == 1) return "leaf " + std::to_string(pos);
      // with_storage() adds one leaf switch at the end of every group of down[1].
      const long span = s.down[1];
      const long group = pos / span;
      const long offset_in_group = pos % span;
      if (offset_in_group == span - 1) return "storage leaf " + std::to_string(group);
      return "leaf " + std::to_string(group * (span - 1) + offset_in_group);
    }
    // One SimGrid switch stands for the spines above the leaves (of a pod, on three tiers), one for the cores.
    if (level == 2) return levels == 2 ? std::string("spines") : "pod " + std::to_string(pos) + " spines";
    return std::string("cores");
  };
  const std::string lower = describe(e->tier, e->child_pos);
  const std::string upper = describe(e->tier + 1, e->parent_pos);
  const bool up = e->up;
  std::string text = up ? lower + " -> " + upper + " (up" : upper + " -> " + lower + " (down";
  const int cables = e->tier < static_cast<long>(s.uplink_cables.size()) ? s.uplink_cables[e->tier] : 1;
  if (cables > 1) text += ", " + std::to_string(cables) + " cables";
  return text + ")";
}

TorusShape torus_shape(const hw::ClusterSpec& cluster) {
  const net::TorusOptions options = net::torus_options(cluster);
  TorusShape t;
  for (std::size_t i = 0; i < 3; ++i) t.dims[i] = std::max(1, options.dims[i]);
  // The analytical engine's collectives run at the NICs' large-message efficiency (NcclCollectives); the torus
  // cables carry the same traffic, so they get it too.
  t.link_bw_Bps = options.link_bw_Bps * cluster.scale_out.nic_efficiency;
  t.hop_latency_s = options.hop_latency_s;
  return t;
}

int TorusShape::node_at(std::array<int, 3> c) const {
  for (std::size_t i = 0; i < 3; ++i) c[i] = (c[i] % dims[i] + dims[i]) % dims[i];
  return c[0] + dims[0] * (c[1] + dims[1] * c[2]);
}

std::vector<unsigned long> TorusShape::simgrid_dims() const {
  std::vector<unsigned long> out;
  for (int d : dims) {
    if (d > 1) out.push_back(static_cast<unsigned long>(d));
  }
  if (out.empty()) out.push_back(1);
  return out;
}

std::string torus_link_name(const TorusShape& t, const std::string& name) {
  // SimGrid 3.32's TorusZone (create_torus_links) names node a's cable along a dimension to its +1 neighbour b
  // "<zone>_link_from_<a>_to_<b>_UP|_DOWN", a and b the nodes' ranks in the zone (build_platform creates the node
  // hosts in rank order, and nothing else, so rank = node); UP carries a -> b, DOWN b -> a.
  static const std::string prefix = "torus_link_from_";
  if (t.nodes() <= 0 || name.rfind(prefix, 0) != 0) return name;
  size_t at = prefix.size();
  long from = 0, to = 0;
  if (!read_field(name, at, '_', from) || name.compare(at, 3, "to_") != 0) return name;
  at += 3;
  if (!read_field(name, at, '_', to) || from >= t.nodes() || to >= t.nodes() || from == to) return name;
  const std::string dir = name.substr(at);
  if (dir != "UP" && dir != "DOWN") return name;
  const std::array<int, 3> a = t.coordinates(static_cast<int>(from));
  const std::array<int, 3> b = t.coordinates(static_cast<int>(to));
  int dim = 0;
  while (dim < 2 && a[static_cast<std::size_t>(dim)] == b[static_cast<std::size_t>(dim)]) ++dim;
  const std::string axis(1, static_cast<char>('x' + dim));
  const bool up = dir == "UP";
  return "node " + std::to_string(up ? from : to) + " -> node " + std::to_string(up ? to : from) + " (" + axis +
         (up ? "+" : "-") + ")";
}

}  // namespace capsim::sim::des
