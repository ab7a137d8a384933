#include "models/network/clos_plan.hpp"

#include <algorithm>
#include <cmath>

namespace capsim::net {

namespace {

long ceil_div(long a, long b) { return (a + b - 1) / b; }

/// Smallest divisor of `n` that is at least `at_least` (n itself when none is smaller): keeps cables spread evenly,
/// every leaf (or spine) getting the same number of parallel cables to every switch above it.
int smallest_divisor_at_least(int n, long at_least) {
  for (int d = 1; d <= n; ++d) {
    if (n % d == 0 && d >= at_least) return d;
  }
  return n;
}

std::string str(long v) { return std::to_string(v); }

}  // namespace

PortSplit split_ports(int radix, double ratio) {
  if (radix < 2) return {radix, 0};
  const double r = std::max(1.0, ratio);
  const int up = std::max(1, static_cast<int>(std::floor(radix / (1.0 + r) + 1e-9)));
  const int down = std::min(radix - up, static_cast<int>(std::floor(up * r + 1e-9)));
  return {down, up};
}

long clos_capacity(int tiers, int radix, double leaf_oversubscription, double spine_oversubscription, int groups) {
  if (radix < 2 || groups < 1) return 0;
  if (tiers <= 1) return groups == 1 ? radix : 0;
  const PortSplit leaf = split_ports(radix, leaf_oversubscription);
  const long switches_above = radix / groups;  // a spine (2 tiers) or core (3 tiers) needs a port per leaf or pod
  if (tiers == 2) return switches_above * leaf.down;
  const PortSplit spine = split_ports(radix, spine_oversubscription);
  return switches_above * spine.down * static_cast<long>(leaf.down);
}

ClosPlan plan_clos(const ClosRequest& q) {
  ClosPlan p;
  p.radix = q.radix;
  const int groups = std::max(1, q.groups);
  if (q.radix < 2) {
    p.problem = "a switch radix of " + str(q.radix) + " ports cannot build a fabric";
    p.hint = "use switches of at least 2 ports, e.g. \"radix\": 64";
    return p;
  }
  if (q.endpoints % groups != 0) {
    p.problem = str(q.endpoints) + " NIC ports do not split evenly over " + str(groups) + " rails";
    p.hint = "use a rail count that divides the NICs per node";
    return p;
  }
  const long per_group = q.endpoints / groups;
  int tiers = q.tiers;
  if (tiers == 0) {
    tiers = 3;
    for (int t = 1; t <= 3; ++t) {
      if (clos_capacity(t, q.radix, q.leaf_oversubscription, q.spine_oversubscription, groups) >= per_group) {
        tiers = t;
        break;
      }
    }
  }
  p.tiers = tiers;
  const long capacity = clos_capacity(tiers, q.radix, q.leaf_oversubscription, q.spine_oversubscription, groups);
  if (per_group > capacity) {
    const std::string what = groups > 1 ? " NIC ports per rail" : " NIC ports";
    p.problem = "a " + str(tiers) + "-tier fabric of " + str(q.radix) + "-port switches attaches at most " +
                str(capacity) + what + " at this oversubscription, but the cluster needs " + str(per_group);
    const long three = clos_capacity(3, q.radix, q.leaf_oversubscription, q.spine_oversubscription, groups);
    p.hint = tiers < 3 && three >= per_group
                 ? "use \"tiers\": 3 (it reaches " + str(three) + "), switches with more ports, or more planes"
                 : "use switches with more ports, more oversubscription, or split the NICs over more \"planes\"";
    return p;
  }
  if (tiers == 1) {
    p.leaf_down = q.radix;
    p.leaves = p.leaves_per_group = 1;
    p.leaves_per_pod = 1;
    p.pods = p.pods_per_group = 1;
    return p;
  }
  const PortSplit leaf = split_ports(q.radix, q.leaf_oversubscription);
  p.leaf_down = leaf.down;
  p.leaf_up = leaf.up;
  p.leaf_oversubscription = static_cast<double>(leaf.down) / leaf.up;
  p.leaves_per_group = ceil_div(per_group, leaf.down);
  p.leaves = p.leaves_per_group * groups;
  if (tiers == 2) {
    // Every leaf reaches every spine: as few spines as terminate all uplinks, a divisor of the leaf's uplinks.
    p.spines = smallest_divisor_at_least(leaf.up, ceil_div(p.leaves * leaf.up, q.radix));
    p.leaf_spine_links = leaf.up / static_cast<int>(p.spines);
    p.spine_down = q.radix;
    p.leaves_per_pod = static_cast<int>(p.leaves);
    p.spines_per_pod = static_cast<int>(p.spines);
    p.pods = p.pods_per_group = 1;
    return p;
  }
  const PortSplit spine = split_ports(q.radix, q.spine_oversubscription);
  p.spine_down = spine.down;
  p.spine_up = spine.up;
  p.spine_oversubscription = static_cast<double>(spine.down) / spine.up;
  p.leaves_per_pod = static_cast<int>(std::min<long>(spine.down, p.leaves_per_group));
  // Every leaf reaches every spine of its pod; a pod short of leaves (a small rail) takes fewer spines, each leaf
  // giving them parallel cables.
  p.spines_per_pod = smallest_divisor_at_least(leaf.up, ceil_div(static_cast<long>(p.leaves_per_pod) * leaf.up,
                                                                  spine.down));
  p.leaf_spine_links = leaf.up / p.spines_per_pod;
  p.pods_per_group = ceil_div(p.leaves_per_group, p.leaves_per_pod);
  p.pods = p.pods_per_group * groups;
  p.spines = p.pods * p.spines_per_pod;
  // Spine j of every pod joins core group j; a core gives each pod the same number of cables.
  p.cores_per_group = smallest_divisor_at_least(spine.up, ceil_div(p.pods * spine.up, q.radix));
  p.spine_core_links = spine.up / p.cores_per_group;
  p.cores = static_cast<long>(p.spines_per_pod) * p.cores_per_group;
  return p;
}

}  // namespace capsim::net
