#pragma once
/// @file cluster_state.hpp
/// Free GPUs per node and per leaf switch, and the placement policies that pick a gang's GPUs. A gang of at most
/// one node's GPUs goes on one node; a larger one takes whole nodes plus one node for the remainder. Nodes are
/// bucketed by free GPUs (and whole free nodes listed per leaf), so a placement costs O(GPUs per node + leaves),
/// not O(nodes).

#include <cstdint>
#include <vector>

#include "sim/fleet/fleet_spec.hpp"

namespace capsim::fleet {

/// GPUs a job holds: (node, GPUs on it) pairs.
struct Allocation {
  std::vector<std::pair<std::int32_t, std::int32_t>> parts;
  int nodes = 0;
  int leaves = 0;
};

class ClusterState {
 public:
  ClusterState(int nodes, int gpus_per_node, int nodes_per_leaf);

  int total_gpus() const { return nodes_ * gpn_; }
  int gpus_per_node() const { return gpn_; }
  int nodes() const { return nodes_; }
  int nodes_per_leaf() const { return npl_; }
  int free_gpus() const { return free_total_; }
  int down_nodes() const { return down_count_; }
  int leaf_of(int node) const { return node / npl_; }

  /// True when a gang of `gpus` fits now (monotone: a larger gang fits only if a smaller one does).
  bool fits(int gpus) const;
  /// Places a gang of `gpus` by `policy`; false (and `out` untouched) when it does not fit.
  bool place(int gpus, Placement policy, Allocation& out);
  void release(const Allocation& a);
  /// Takes a node out (its GPUs must be free: release its jobs first) or brings it back.
  void set_down(int node, bool down);
  bool is_down(int node) const { return down_[node] != 0; }
  int free_on(int node) const { return free_[node]; }
  /// Free GPUs on nodes that have fewer free GPUs than `min_need_per_node` (no waiting job can use them).
  int stranded(int min_need_per_node) const;

 private:
  void bucket_remove(int node);
  void bucket_add(int node);
  int take_best_fit_node(int gpus, int avoid_leaf_first);
  void take(int node, int gpus, Allocation& out);

  int nodes_, gpn_, npl_, leaves_;
  int free_total_ = 0;
  int down_count_ = 0;
  std::vector<std::int32_t> free_;
  std::vector<std::uint8_t> down_;
  std::vector<std::vector<std::int32_t>> bucket_;  ///< nodes (up) by free GPUs
  std::vector<std::int32_t> bucket_pos_;
  std::vector<std::vector<std::int32_t>> leaf_whole_;  ///< wholly free nodes (up) per leaf
  std::vector<std::int32_t> whole_pos_;
  int whole_total_ = 0;
};

}  // namespace capsim::fleet
