#include "sim/des/fat_tree_shape.hpp"

#include <algorithm>

#include "models/network/clos_plan.hpp"
#include "models/network/fabric_factory.hpp"
#include "sim/core/error.hpp"

namespace capsim::sim::des {

FatTreeShape fat_tree_shape(const hw::ClusterSpec& cluster, int nodes) {
  const auto& so = cluster.scale_out;
  if (so.topology == "torus3d") {
    throw InfeasibleError("the des engine builds tree fabrics (fat-tree, rail-optimized, multi-plane); a 3D torus "
                          "runs on the analytical engine (use --engine analytical)");
  }
  const net::ClosOptions options = net::clos_options(cluster);
  const int rails = std::max(1, so.nics_per_node);
  net::ClosRequest request;
  request.endpoints = 1L * nodes * rails;
  request.groups = rails;
  request.radix = options.radix;
  request.tiers = so.tiers;
  request.leaf_oversubscription = so.oversubscription;
  request.spine_oversubscription = so.spine_oversubscription;
  const net::ClosPlan plan = net::plan_clos(request);
  if (!plan.ok()) throw InfeasibleError("the DES cannot build the fabric: " + plan.problem + " (" + plan.hint + ")");

  FatTreeShape s;
  s.nodes = nodes;
  s.link_bw_Bps = rails * so.nic_bw_Bps * so.nic_efficiency;
  const auto u = [](long v) { return static_cast<unsigned>(std::max(1L, v)); };
  if (plan.tiers <= 1) {
    s.levels = 1;
    s.down = {u(nodes)};
    s.up = {1};
    s.number = {1};
  } else if (plan.tiers == 2) {
    s.levels = 2;
    // One leaf per rail holds every node: no padding leaves.
    s.down = {u(plan.leaves_per_group == 1 ? nodes : plan.leaf_down), u(plan.leaves_per_group)};
    s.up = {1, u(plan.leaf_up / std::max(1, plan.leaf_spine_links))};
    s.number = {1, u(plan.leaf_spine_links)};
  } else {
    s.levels = 3;
    s.down = {u(plan.leaf_down), u(plan.leaves_per_pod), u(plan.pods_per_group)};
    s.up = {1, u(plan.spines_per_pod), u(plan.cores_per_group)};
    s.number = {1, u(plan.leaf_spine_links), u(plan.spine_core_links)};
  }
  s.leaves = 1;
  for (unsigned d : s.down) s.leaves *= static_cast<int>(d);
  s.group_compute_leaves = s.leaves;
  return s;
}

int FatTreeShape::node_leaf(int node) const {
  const int g = std::max(1, group_compute_leaves);
  return node / g * (g + group_storage_leaves) + node % g;
}

int FatTreeShape::storage_leaf(int endpoint) const {
  const int per_group = std::max(1, group_storage_leaves);
  return endpoint / per_group * (group_compute_leaves + group_storage_leaves) + group_compute_leaves +
         endpoint % per_group;
}

int FatTreeShape::leaf_role(int leaf) const {
  const int span = std::max(1, group_compute_leaves + group_storage_leaves);
  const int group = leaf / span;
  const int offset = leaf % span;
  if (offset < group_compute_leaves) return group * group_compute_leaves + offset;
  return -1 - (group * group_storage_leaves + offset - group_compute_leaves);
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

}  // namespace capsim::sim::des
