#pragma once
// Test helpers: hold a topology's O(1) hops/ECMP/route answers to a breadth-first search of its graph.
#include <gtest/gtest.h>

#include <vector>

#include "models/network/clos_fabric.hpp"
#include "models/network/topology.hpp"

namespace capsim::test {

/// A Clos of `nodes` nodes with `nics` NICs each, `radix`-port switches, `tiers` tiers (0: fewest), 400 Gb/s links.
inline net::ClosOptions clos_of(int nodes, int nics, int radix, int tiers) {
  net::ClosOptions o;
  o.nodes = nodes;
  o.nics_per_node = nics;
  o.radix = radix;
  o.tiers = tiers;
  o.link_bw_Bps = 50e9;
  return o;
}

/// True if `path` (cable ids) leads from endpoint a's vertex to endpoint b's vertex, each cable touching the last.
inline bool path_connects(const net::Topology& t, int a, int b, const std::vector<int>& path) {
  int at = t.endpoint_vertex(a);
  for (int id : path) {
    const net::Cable& c = t.cables()[static_cast<std::size_t>(id)];
    if (c.a == at) {
      at = c.b;
    } else if (c.b == at) {
      at = c.a;
    } else {
      return false;
    }
  }
  return at == t.endpoint_vertex(b);
}

/// For every ordered pair of endpoints (a < b, every `stride`-th a): a route exists when the endpoints share a
/// plane, it is as long as hops(), and hops() and ecmp_paths() equal what a graph search finds.
inline void expect_routes_between_every_pair(const net::Topology& t, int stride = 1) {
  std::vector<int> path;
  int checked = 0;
  for (int a = 0; a < t.endpoints(); a += stride) {
    for (int b = 0; b < t.endpoints(); ++b) {
      if (a == b || t.endpoint_vertex(a) == t.endpoint_vertex(b)) continue;
      const net::PathStats found = t.search_paths(a, b);
      ASSERT_EQ(t.hops(a, b), found.hops) << a << " -> " << b;
      if (found.hops < 0) continue;
      ASSERT_DOUBLE_EQ(t.ecmp_paths(a, b), found.paths) << a << " -> " << b;
      for (std::uint64_t flow : {0ULL, 7ULL, 12345ULL}) {
        path.clear();
        t.route(a, b, flow, path);
        ASSERT_EQ(static_cast<int>(path.size()), found.hops) << a << " -> " << b;
        ASSERT_TRUE(path_connects(t, a, b, path)) << a << " -> " << b;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

}  // namespace capsim::test
