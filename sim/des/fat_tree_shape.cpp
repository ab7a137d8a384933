#include "sim/des/fat_tree_shape.hpp"

#include <algorithm>
#include <cmath>

namespace capsim::sim::des {

namespace {
unsigned ceil_div(long long a, long long b) { return static_cast<unsigned>((a + b - 1) / b); }
}  // namespace

FatTreeShape fat_tree_shape(const hw::ClusterSpec& cluster, int nodes, int radix) {
  FatTreeShape s;
  s.nodes = nodes;
  const auto& so = cluster.scale_out;
  s.link_bw_Bps = so.nics_per_node * so.nic_bw_Bps * so.nic_efficiency;
  const double o = std::max(1.0, so.oversubscription);
  // Leaf switch (of each rail): d1 ports down to nodes, u1 up; d1 / u1 = oversubscription.
  const unsigned d1 = std::max(1u, static_cast<unsigned>(std::lround(radix * o / (o + 1.0))));
  const unsigned u1 = std::max(1u, static_cast<unsigned>(radix) - d1);
  const unsigned half = static_cast<unsigned>(radix) / 2;
  if (static_cast<unsigned>(nodes) <= d1) {  // one leaf switch per rail
    s.levels = 1;
    s.down = {static_cast<unsigned>(std::max(1, nodes))};
    s.up = {1};
    s.number = {1};
  } else if (nodes <= 1LL * d1 * radix) {  // leaves and spines; every spine reaches every leaf
    s.levels = 2;
    s.down = {d1, ceil_div(nodes, d1)};
    s.up = {1, u1};
    s.number = {1, 1};
  } else {  // pods of `half` leaves under their spines, and a core tier
    s.levels = 3;
    s.down = {d1, half, ceil_div(nodes, 1LL * d1 * half)};
    s.up = {1, u1, half};
    s.number = {1, 1, 1};
  }
  s.leaves = 1;
  for (unsigned d : s.down) s.leaves *= static_cast<int>(d);
  return s;
}

}  // namespace capsim::sim::des
