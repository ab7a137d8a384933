#pragma once
/// @file topology.hpp
/// The interface every scale-out topology implements (one topology per file, as htsim's fat_tree_topology.h): the
/// graph of cables, the derived figures (counts, bisection, hops, ECMP paths) and per-pair routes computed on demand,
/// never for all pairs at once.

#include <cstdint>
#include <string_view>
#include <vector>

#include "models/network/fabric_graph.hpp"

namespace capsim::net {

/// Shortest-path facts between two vertices, found by breadth-first search over the whole graph.
struct PathStats {
  int hops = -1;        ///< cables on a shortest path; -1 when unreachable
  double paths = 0;     ///< number of distinct shortest paths (parallel cables count separately)
};

/// A scale-out fabric: endpoints are NIC ports, numbered node-major (endpoint = node x nics_per_node + nic).
class Topology {
 public:
  virtual ~Topology() = default;
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  /// "fat-tree", "rail-optimized", "multi-plane", "torus3d".
  virtual std::string_view kind() const = 0;
  /// Bandwidth across the worst cut into two equal halves of the endpoints, one direction, bytes/s.
  virtual double bisection_bw_Bps() const = 0;
  /// Cables on a shortest path between endpoints `a` and `b`; 0 when a == b, -1 when no path exists (other plane).
  virtual int hops(int a, int b) const = 0;
  /// Number of equal-cost shortest paths between endpoints `a` and `b` (what ECMP spreads over); 0 if unreachable.
  virtual double ecmp_paths(int a, int b) const = 0;
  /// Appends to `cables` the cable ids of one shortest path from `a` to `b`, chosen among the ECMP paths by
  /// `flow_hash` (as a switch hashes a flow). Appends nothing when a == b or no path exists. Allocation-free when
  /// `cables` has capacity.
  virtual void route(int a, int b, std::uint64_t flow_hash, std::vector<int>& cables) const = 0;
  /// Switch, port, cable and optic counts.
  virtual FabricCounts counts() const;

  const FabricGraph& graph() const { return graph_; }
  /// Cable `id` (the edge index of the graph).
  const std::vector<Cable>& cables() const { return cables_; }
  int nodes() const { return nodes_; }
  int nics_per_node() const { return nics_per_node_; }
  int endpoints() const { return static_cast<int>(endpoint_vertex_.size()); }
  /// Endpoint id of NIC `nic` of node `node`.
  int endpoint(int node, int nic) const { return node * nics_per_node_ + nic; }
  /// Graph vertex of endpoint `ep`.
  int endpoint_vertex(int ep) const { return endpoint_vertex_[static_cast<std::size_t>(ep)]; }
  /// Independent planes the graph is made of (1 unless multi-plane).
  int planes() const { return planes_; }
  /// Seconds a zero-byte message spends on the cables of route(a, b, 0): propagation and switch traversals.
  double route_latency_s(int a, int b) const;
  /// Connectivity (per plane) and radix limits.
  FabricCheck check() const;
  /// Breadth-first search from endpoint `a`: hop count and number of shortest paths to endpoint `b`. O(V + E); meant
  /// for tests that hold hops() and ecmp_paths() to the graph.
  PathStats search_paths(int a, int b) const;

 protected:
  Topology(int nodes, int nics_per_node, int radix);
  /// Adds a vertex; returns its id.
  int add_vertex(const FabricVertex& v);
  /// Adds a cable between vertices `a` (lower tier) and `b`; returns its id.
  int add_cable(int a, int b, int tier, bool optical, double bw_Bps, double latency_s);
  /// Registers vertex `v` as endpoint `ep` (endpoints must be registered before queries).
  void set_endpoint(int ep, int v);
  void reserve(std::size_t vertices, std::size_t cables);
  void set_planes(int planes) { planes_ = planes; }
  /// Switchless fabrics (torus) forward traffic through their endpoints.
  void set_endpoints_forward(bool on) { endpoints_forward_ = on; }
  /// Designed down:up ratio of switch tier `tier` (1 = leaf), for counts(); 1 by default.
  virtual double tier_oversubscription(int tier) const;
  int radix() const { return radix_; }

 private:
  FabricGraph graph_;
  std::vector<Cable> cables_;
  std::vector<int> endpoint_vertex_;
  int nodes_ = 0;
  int nics_per_node_ = 1;
  int radix_ = 0;
  int planes_ = 1;
  bool endpoints_forward_ = false;
};

}  // namespace capsim::net
