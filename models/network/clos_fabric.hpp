#pragma once
/// @file clos_fabric.hpp
/// The graph and routing of folded-Clos fabrics (1 to 3 switch tiers), shared by FatTree, RailOptimized and
/// MultiPlane. Vertex and cable ids follow the plan's arithmetic, so hops, ECMP counts and routes are computed in
/// O(1) per pair from the endpoints' positions, without searching the graph.

#include <string>
#include <vector>

#include "models/network/clos_plan.hpp"
#include "models/network/topology.hpp"

namespace capsim::net {

/// What a Clos fabric is built from.
struct ClosOptions {
  int nodes = 1;
  int nics_per_node = 8;
  int radix = 64;                    ///< ports per switch
  int tiers = 0;                     ///< 1 to 3; 0 = the fewest that fit
  double leaf_oversubscription = 1;  ///< down:up at the leaf
  double spine_oversubscription = 1; ///< down:up at the spine of a 3-tier fabric
  double link_bw_Bps = 50e9;         ///< every cable, per direction, bytes/s
  double switch_latency_s = 130e-9;  ///< port to port, seconds
  double cable_latency_s = 25e-9;    ///< propagation of one cable (about 5 m at 5 ns/m), seconds
  int rails = 0;                     ///< > 0: rail-optimized, NIC i on rail i % rails, one rail per leaf
  int planes = 1;                    ///< NIC i on plane i % planes; each plane its own Clos
  bool optical_endpoint_links = false;  ///< NIC-to-leaf cables are optical (leaf not in the rack)
};

/// Where an endpoint sits in a Clos.
struct ClosPlace {
  int plane = 0;
  long leaf = 0;  ///< within its plane, group-major
  long pod = 0;   ///< within its plane (three tiers)
};

/// A 1- to 3-tier Clos of one switch radix, in one or more planes. Throws capsim::InfeasibleError when the plan is
/// not buildable (ClosPlan::problem).
class ClosFabric : public Topology {
 public:
  std::string_view kind() const override { return kind_; }
  double bisection_bw_Bps() const override;
  int hops(int a, int b) const override;
  double ecmp_paths(int a, int b) const override;
  void route(int a, int b, std::uint64_t flow_hash, std::vector<int>& cables) const override;

  /// The plan of each plane (all planes are alike).
  const ClosPlan& plan() const { return plan_; }
  const ClosOptions& options() const { return options_; }
  ClosPlace place(int endpoint) const;
  /// Graph vertex of leaf `leaf` of plane `plane`.
  int leaf_vertex(int plane, long leaf) const { return leaf_base_[static_cast<std::size_t>(plane)] + static_cast<int>(leaf); }

 protected:
  ClosFabric(std::string kind, const ClosOptions& options);
  double tier_oversubscription(int tier) const override;

 private:
  void build();
  int ls_cable(int plane, long leaf, long spine_slot, long link) const;
  int sc_cable(int plane, long pod, long spine, long core, long link) const;

  std::string kind_;
  ClosOptions options_;
  ClosPlan plan_;
  int per_plane_nics_ = 1;  ///< NICs of one node on one plane
  std::vector<int> leaf_base_, spine_base_, core_base_;  ///< first vertex id per plane
  std::vector<int> ls_base_, sc_base_;                   ///< first cable id per plane
};

/// ClosOptions for a cluster's scale-out fabric, one plane's request, as the collective model and scenario checks
/// see it: endpoints and groups per plane.
ClosRequest clos_request(const ClosOptions& options);

}  // namespace capsim::net
