#pragma once
/// @file torus3d.hpp
/// A switchless 3D torus (TPU v4/v5p style): every node is a router with a cable to its two neighbours along each
/// dimension, wrapping around. Cables inside a 4x4x4 block are copper and those leaving it optical (Jouppi et al.,
/// ISCA 2023: 64 chips per rack on electrical links, optical circuit switches between racks).

#include <array>

#include "models/network/collective_model.hpp"
#include "models/network/topology.hpp"

namespace capsim::net {

/// What a torus is built from.
struct TorusOptions {
  std::array<int, 3> dims{1, 1, 1};   ///< nodes along x, y, z
  int nics_per_node = 1;              ///< endpoints per node; all share the node's router vertex
  double link_bw_Bps = 50e9;          ///< every cable, per direction, bytes/s
  double hop_latency_s = 100e-9;      ///< one cable plus the router it enters, seconds
};

/// A 3D torus. Throws capsim::InfeasibleError for a dimension below 1.
class Torus3d final : public Topology {
 public:
  explicit Torus3d(const TorusOptions& options);

  std::string_view kind() const override { return "torus3d"; }
  double bisection_bw_Bps() const override;
  int hops(int a, int b) const override;
  double ecmp_paths(int a, int b) const override;
  void route(int a, int b, std::uint64_t flow_hash, std::vector<int>& cables) const override;

  const TorusOptions& options() const { return options_; }
  /// Coordinates of node `node`.
  std::array<int, 3> coordinates(int node) const;

 private:
  /// Cable from `node` to its +1 neighbour along `dim` (-1 when the dimension has size 1).
  int plus_cable(int node, int dim) const { return plus_cable_[static_cast<std::size_t>(node) * 3 + dim]; }
  int neighbour(int node, int dim, int step) const;

  TorusOptions options_;
  std::vector<int> plus_cable_;
};

/// Flows on the busiest cable when every node of a torus of `dims` sends to the node `node_stride` places after it
/// (node numbers x fastest, wrapping): a pipeline's sends between stages are such a shift. Each flow is routed
/// dimension by dimension the short way round (SimGrid's TorusZone routes the same), so the shift's hops along a
/// dimension are what each of that dimension's cables carries in that direction; the busiest dimension sets the
/// pace. The shift of node 0 stands for all (exact when the stride is a whole number of rows or planes). At least 1.
int torus_shift_load(const std::array<int, 3>& dims, long node_stride);

/// Peers of an all-to-all a rank exchanges with at once: NCCL spreads grouped send/recv over its channels a few
/// peers at a time, in rounds of increasing offset (the DES schedules the same: sim/des/des_training.cpp).
constexpr int kAllToAllRoundsInFlight = 4;

/// Flow-shares on the busiest directed cables of an all-to-all among the nodes 0 to `group_nodes` - 1 of a torus of
/// `dims`: in round k every node sends an equal share to the node k places after it in the group,
/// kAllToAllRoundsInFlight rounds at a time, each flow routed dimension by dimension the short way round with ties
/// broken as SimGrid 3.32's TorusZone breaks them. Summed over the groups of rounds, the busiest cable direction of
/// each: the shares one cable must carry one after another. At least 1. Memoised per thread: a search asks the same
/// few group sizes many times.
int torus_all_to_all_load(const std::array<int, 3>& dims, int group_nodes);

/// Shape of a torus slice of `chips` chips in `rank` (1 to 3) dimensions: the most balanced factorization, dimensions
/// ascending, unused ones 1 (512 chips in 3D: 8x8x8, 1024: 8x8x16; 256 in 2D: 16x16), as TPU slice shapes are.
std::array<int, 3> torus_slice_shape(int chips, int rank);

/// How a collective runs on a torus slice, in units of one link direction.
struct TorusCollective {
  /// Bus bandwidth in link directions: the collective takes bus_factor(op, n) x bytes / (link_equivalents x the
  /// bandwidth of one link in one direction), before protocol efficiency.
  double link_equivalents = 0;
  double steps = 0;  ///< neighbour steps in sequence (the latency term)
  std::array<int, 3> group{1, 1, 1};  ///< the block of the slice the group occupies
  /// Reduce-scatter, all-gather and all-reduce: the share of a rank's buffer that it sends along each dimension,
  /// all that dimension's rings together (an all-reduce sends it twice: reduce-scatter, then all-gather).
  std::array<double, 3> load{0, 0, 0};
  /// Whether each dimension of the group wraps around (two rings, one per direction) or is a line (one ring folded
  /// onto it, both directions of each cable).
  std::array<bool, 3> wraps{false, false, false};
};

/// A collective over `ranks` chips of a torus slice `slice` whose dimensions wrap around when their size is a
/// multiple of `wrap_multiple` (0: never). The group takes a compact block, filling x, then y, then z (the device
/// order XLA assigns a mesh's minor axis). Each spanned dimension runs a bidirectional ring: two rings (one per
/// direction) on a dimension that wraps, one ring folded onto a line otherwise. All-reduce, reduce-scatter and
/// all-gather run dimension by dimension, the buffer split into one share per spanned dimension so that every share
/// starts on a different dimension and all links are busy at once (the multi-dimensional all-reduce of TPU pods:
/// Kumar et al., "Exploring the limits of concurrency in ML training on Google TPUs", MLSys 2021); the busiest
/// dimension sets the time. All-to-all is routed dimension by dimension and limited by the busiest dimension's
/// links (mean ring distance g/4 with wraparound, (g^2-1)/(3g) on a line). Send/recv crosses one link.
/// `link_scale`: each dimension's link bandwidth relative to the others' (a slower ring of nodes: Trn2 UltraServer);
/// link_equivalents are then in units of a scale-1 link, and each share of the buffer is in proportion to the links
/// of the dimension it starts on (a heuristic: the exact split is a small linear program).
TorusCollective torus_collective(CollectiveOp op, int ranks, const std::array<int, 3>& slice, int wrap_multiple,
                                 const std::array<double, 3>& link_scale = {1, 1, 1});

}  // namespace capsim::net
