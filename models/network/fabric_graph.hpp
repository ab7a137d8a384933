#pragma once
/// @file fabric_graph.hpp
/// The graph every topology builds: NIC ports (endpoints) and switches as vertices, one edge per cable. A DES builds
/// its platform from it: every vertex a host or router, every cable a split-duplex link of `bw_Bps`.

#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace capsim::net {

/// What a fabric vertex is.
enum class VertexKind : std::uint8_t {
  endpoint,  ///< a NIC port of a node (or, in a switchless torus, the node's router)
  switch_,   ///< a packet switch
};

/// A vertex of a fabric graph.
struct FabricVertex {
  VertexKind kind = VertexKind::endpoint;
  std::int8_t tier = 0;   ///< endpoints 0; leaf 1, spine 2, core 3
  std::int16_t plane = 0; ///< fabric plane (multi-plane designs), else 0
  std::int16_t rail = -1; ///< rail a leaf serves (rail-optimized), or the endpoint's rail; -1 when none
  std::int32_t index = 0; ///< endpoints: endpoint id; switches: index within its tier and plane
  std::int32_t node = -1; ///< endpoints: node (server) id
  std::int16_t nic = -1;  ///< endpoints: NIC index within the node
};

/// A cable. Edges of the graph carry its id into Topology::cables().
struct Cable {
  std::int32_t a = 0;       ///< vertex id, lower tier side
  std::int32_t b = 0;       ///< vertex id, upper tier side
  std::int8_t tier = 0;     ///< 0 endpoint-leaf, 1 leaf-spine, 2 spine-core; torus: the dimension (0, 1, 2)
  bool optical = false;     ///< needs a transceiver at each end (else copper / DAC)
  double bw_Bps = 0;        ///< per direction, bytes/s
  double latency_s = 0;     ///< propagation plus the switch it enters, seconds
};

/// Undirected multigraph (parallel cables are parallel edges). The edge property is the cable id.
using FabricGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, FabricVertex,
                                          boost::property<boost::edge_index_t, std::int32_t>>;

/// Switch counts of one tier (summed over planes).
struct TierCount {
  std::string name;          ///< "leaf", "spine", "core"
  long switches = 0;
  int radix = 0;             ///< ports per switch
  long ports_down = 0;       ///< ports cabled toward the endpoints
  long ports_up = 0;         ///< ports cabled toward the next tier
  long ports_free = 0;       ///< ports left unused
  double oversubscription = 1;  ///< designed down:up ratio (1 at the top tier)
};

/// What a fabric is made of: what the cost and power models price.
struct FabricCounts {
  std::vector<TierCount> tiers;  ///< leaf first; empty for a switchless fabric
  long endpoints = 0;            ///< NIC ports attached
  long switches = 0;
  long switch_ports = 0;         ///< switches x radix
  long switch_ports_used = 0;
  long cables = 0;               ///< every cable, endpoint links included
  long copper_cables = 0;
  long optical_cables = 0;
  long optics = 0;               ///< transceivers: one at each end of every optical cable
  std::vector<long> cables_per_tier;  ///< endpoint-leaf, leaf-spine, spine-core (torus: x, y, z)
};

/// Result of Topology::check().
struct FabricCheck {
  bool connected = true;            ///< every plane is one connected component
  int components = 1;               ///< connected components of the whole graph
  int max_switch_degree = 0;        ///< most cables on one switch
  bool radix_ok = true;             ///< no switch has more cables than ports
  std::vector<std::string> problems;  ///< sentences, empty when all holds
};

}  // namespace capsim::net
