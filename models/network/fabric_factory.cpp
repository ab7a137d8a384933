#include "models/network/fabric_factory.hpp"

#include <algorithm>
#include <cmath>

#include "models/network/fat_tree.hpp"
#include "models/network/multi_plane.hpp"
#include "models/network/rail_optimized.hpp"
#include "sim/core/error.hpp"

namespace capsim::net {

namespace {

/// Port-to-port latency of an InfiniBand switch: about 130 ns (NVIDIA Quantum QM8700 datasheet).
constexpr double kDefaultSwitchLatency_s = 130e-9;

std::string str(long v) { return std::to_string(v); }

double port_bw(const hw::ScaleOutSpec& so) { return so.port_bw_Bps > 0 ? so.port_bw_Bps : so.nic_bw_Bps; }

}  // namespace

int default_radix(double port_bw_Bps) { return port_bw_Bps >= 50e9 ? 64 : 40; }

int switch_tiers(const hw::ClusterSpec& c) {
  const auto& so = c.scale_out;
  if (c.nodes <= 1 || so.topology == "torus3d") return 0;
  if (so.tiers > 0) return so.tiers;
  const int radix = so.radix > 0 ? so.radix : default_radix(port_bw(so));
  const long per_plane = static_cast<long>(c.nodes) * so.nics_per_node / std::max(1, so.planes);
  for (int tiers = 1; tiers < 3; ++tiers) {
    if (clos_capacity(tiers, radix, so.oversubscription, so.spine_oversubscription) >= per_plane) return tiers;
  }
  return 3;
}

ClosOptions clos_options(const hw::ClusterSpec& cluster) {
  const hw::ScaleOutSpec& so = cluster.scale_out;
  ClosOptions o;
  o.nodes = cluster.nodes;
  o.nics_per_node = so.nics_per_node;
  o.radix = so.radix > 0 ? so.radix : default_radix(port_bw(so));
  o.tiers = so.tiers;
  o.leaf_oversubscription = so.oversubscription;
  o.spine_oversubscription = so.spine_oversubscription;
  o.link_bw_Bps = port_bw(so);
  o.switch_latency_s = so.switch_latency_s > 0 ? so.switch_latency_s : kDefaultSwitchLatency_s;
  o.planes = std::max(1, so.planes);
  if (so.topology == "rail-optimized") o.rails = so.rails > 0 ? so.rails : so.nics_per_node;
  return o;
}

TorusOptions torus_options(const hw::ClusterSpec& cluster) {
  const hw::ScaleOutSpec& so = cluster.scale_out;
  TorusOptions o;
  o.dims = so.torus_dims;
  o.nics_per_node = so.nics_per_node;
  o.link_bw_Bps = so.port_bw_Bps > 0 ? so.port_bw_Bps : so.nics_per_node * so.nic_bw_Bps / 6.0;
  o.hop_latency_s = so.switch_latency_s > 0 ? so.switch_latency_s : kDefaultSwitchLatency_s;
  return o;
}

std::unique_ptr<Topology> build_fabric(const hw::ClusterSpec& cluster) {
  const auto problems = fabric_problems(cluster);
  if (!problems.empty()) throw InfeasibleError(problems.front().message + " (" + problems.front().hint + ")");
  if (cluster.scale_out.topology == "torus3d") return std::make_unique<Torus3d>(torus_options(cluster));
  const ClosOptions o = clos_options(cluster);
  if (o.planes > 1) return std::make_unique<MultiPlane>(o);
  if (o.rails > 0) return std::make_unique<RailOptimized>(o);
  return std::make_unique<FatTree>(o);
}

std::vector<FabricProblem> fabric_problems(const hw::ClusterSpec& cluster) {
  const hw::ScaleOutSpec& so = cluster.scale_out;
  std::vector<FabricProblem> out;
  const int planes = std::max(1, so.planes);
  if (so.topology == "torus3d") {
    const auto& d = so.torus_dims;
    const long product = static_cast<long>(d[0]) * d[1] * d[2];
    if (product != cluster.nodes) {
      out.push_back({"torus", "the torus has " + str(d[0]) + " x " + str(d[1]) + " x " + str(d[2]) + " = " +
                                  str(product) + " nodes but the cluster has " + str(cluster.nodes),
                     "give three sizes whose product is the node count, e.g. [" + str(cluster.nodes) + ", 1, 1]"});
    }
    if (planes > 1) out.push_back({"planes", "a torus has one plane", "remove \"planes\" or use a fat-tree"});
    return out;
  }
  if (so.nics_per_node % planes != 0) {
    out.push_back({"planes", str(so.nics_per_node) + " NICs per node do not split evenly over " + str(planes) +
                                 " planes", "use a plane count that divides nics_per_node"});
    return out;
  }
  const ClosOptions o = clos_options(cluster);
  if (so.rails > 0 && so.topology != "rail-optimized") {
    out.push_back({"rails", "\"rails\" applies to a rail-optimized fabric, not \"" + so.topology + "\"",
                   "set \"topology\": \"rail-optimized\" or remove \"rails\""});
    return out;
  }
  if (o.rails > 0 && (so.nics_per_node % o.rails != 0 || o.rails % planes != 0)) {
    out.push_back({"rails", str(o.rails) + " rails do not fit " + str(so.nics_per_node) + " NICs per node on " +
                                str(planes) + " plane(s)",
                   "use a rail count that divides the NICs per node and is a multiple of the planes"});
    return out;
  }
  const ClosPlan plan = plan_clos(clos_request(o));
  if (!plan.ok()) out.push_back({so.tiers > 0 ? "tiers" : "radix", plan.problem, plan.hint});
  return out;
}

double FabricShape::ring_share(int n) const {
  if (torus || n <= nodes_per_leaf) return 1.0;
  // A ring over consecutive nodes leaves each leaf once per channel: 1/(nodes per leaf) of the leaf's traffic
  // climbs, against uplinks sized 1/oversubscription of the downlinks.
  double share = std::min(1.0, nodes_per_leaf / leaf_oversubscription);
  if (tiers == 3 && n > nodes_per_pod) {
    share = std::min(share, nodes_per_pod / (leaf_oversubscription * spine_oversubscription));
  }
  return share;
}

double FabricShape::tree_share(int n) const {
  if (torus || n <= nodes_per_leaf || n < 2) return 1.0;
  // Of a tree's log2(n) levels, those above the log2(nodes per leaf) inside one leaf cross its uplinks.
  auto climbing = [n](double below) { return 1.0 - std::log2(std::max(1.0, below)) / std::log2(static_cast<double>(n)); };
  double share = std::min(1.0, 1.0 / (leaf_oversubscription * climbing(nodes_per_leaf)));
  if (tiers == 3 && n > nodes_per_pod) {
    share = std::min(share, 1.0 / (leaf_oversubscription * spine_oversubscription * climbing(nodes_per_pod)));
  }
  return share;
}

double FabricShape::all_to_all_share(int n, double node_bw_Bps) const {
  if (n <= 1) return 1.0;
  if (torus) {
    // Half of uniform traffic crosses the bisection; a block of n nodes has about (n/N)^(2/3) of the torus's cut.
    const double cut = torus_bisection_Bps * std::pow(static_cast<double>(n) / nodes, 2.0 / 3.0);
    return std::min(1.0, 4.0 * cut / (n * node_bw_Bps));
  }
  double share = 1.0;
  const double leaving_leaf = std::max(0.0, (n - nodes_per_leaf) / n);
  if (leaving_leaf > 0) share = std::min(share, 1.0 / (leaf_oversubscription * leaving_leaf));
  const double leaving_pod = tiers == 3 ? std::max(0.0, (n - nodes_per_pod) / n) : 0.0;
  if (leaving_pod > 0) share = std::min(share, 1.0 / (leaf_oversubscription * spine_oversubscription * leaving_pod));
  return share;
}

FabricShape fabric_shape(const hw::ClusterSpec& cluster) {
  FabricShape s;
  s.nodes = std::max(1, cluster.nodes);
  const hw::ScaleOutSpec& so = cluster.scale_out;
  if (so.topology == "torus3d") {
    s.torus = true;
    const TorusOptions t = torus_options(cluster);
    const int widest = std::max({t.dims[0], t.dims[1], t.dims[2], 1});
    s.torus_bisection_Bps = widest <= 1 ? 0 : static_cast<double>(s.nodes) / widest * (widest > 2 ? 2 : 1) * t.link_bw_Bps;
    return s;
  }
  const ClosOptions o = clos_options(cluster);
  const ClosRequest q = clos_request(o);
  s.nodes_per_leaf = s.nodes_per_pod = s.nodes;
  // Unbuildable fabrics keep the neutral shape; checked first so that the hot path never builds the error text.
  const long capacity = clos_capacity(q.tiers > 0 ? q.tiers : 3, q.radix, q.leaf_oversubscription,
                                      q.spine_oversubscription, q.groups);
  if (q.endpoints % std::max(1, q.groups) != 0 || q.endpoints / std::max(1, q.groups) > capacity) return s;
  const ClosPlan plan = plan_clos(q);
  if (!plan.ok()) return s;
  s.tiers = plan.tiers;
  s.leaf_oversubscription = plan.leaf_oversubscription;
  s.spine_oversubscription = plan.spine_oversubscription;
  // NICs of one node on one leaf: one per rail when rail-optimized, else the node's NICs in this plane.
  const int per_leaf_nics = o.rails > 0 ? o.nics_per_node / o.rails : o.nics_per_node / o.planes;
  s.nodes_per_leaf = std::max(1.0, static_cast<double>(plan.leaf_down) / std::max(1, per_leaf_nics));
  s.nodes_per_pod = plan.tiers == 3 ? s.nodes_per_leaf * plan.leaves_per_pod : s.nodes;
  if (so.placement_nodes_per_leaf > 0 && so.placement_nodes_per_leaf < s.nodes_per_leaf) {
    // A spread job has fewer of its nodes under each leaf (and pod), so more of its traffic climbs.
    const double thinning = so.placement_nodes_per_leaf / s.nodes_per_leaf;
    s.nodes_per_leaf = std::max(1.0, so.placement_nodes_per_leaf);
    if (plan.tiers == 3) s.nodes_per_pod = std::max(s.nodes_per_leaf, s.nodes_per_pod * thinning);
  }
  return s;
}

}  // namespace capsim::net
