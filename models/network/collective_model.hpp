#pragma once
/// @file collective_model.hpp
/// Time of a collective operation on a group of GPUs. The training model asks this interface, never a formula, so
/// that topology-aware and calibrated models (the fabrics work) can replace the alpha-beta model below.

#include <string_view>

#include "models/hardware/cluster.hpp"

namespace capsim::net {

/// Collective operations, with NCCL's size convention: `bytes` is the per-rank buffer of all_reduce, the per-rank
/// input of reduce_scatter, the per-rank output of all_gather, the per-rank send buffer of all_to_all, and the
/// message of send_recv.
enum class CollectiveOp { all_reduce, reduce_scatter, all_gather, all_to_all, send_recv };

std::string_view to_string(CollectiveOp op);
/// nccl-tests bus-bandwidth factor: busbw = algbw x factor (2(n-1)/n for all_reduce, (n-1)/n for the others).
double bus_factor(CollectiveOp op, int ranks);

/// How a communicator's ranks sit on the cluster.
struct CommGroup {
  int ranks = 1;           ///< GPUs in the communicator
  int ranks_per_node = 1;  ///< of those, how many share a node (ranks / ranks_per_node nodes are spanned)
  /// GPUs per node that drive the node's NICs at the same time (other communicators of the same kind running in
  /// parallel, as every DP group of a job does). They split the node's scale-out bandwidth.
  int gpus_sharing_nics = 1;
};

/// Cost of collectives on a cluster.
class CollectiveModel {
 public:
  virtual ~CollectiveModel() = default;
  /// Seconds for one `op` of `bytes` on `group`. 0 for a one-rank group.
  virtual double time_s(CollectiveOp op, double bytes, const CommGroup& group) const = 0;
};

/// Hierarchical alpha-beta model: inside a node, ring steps over the scale-up domain at its measured bus bandwidth;
/// across nodes, ring steps over the NICs, each GPU getting its share of the node's scale-out bandwidth. An
/// all-reduce spanning nodes runs as intra-node reduce-scatter, inter-node all-reduce of 1/r of the data, intra-node
/// all-gather (NCCL's hierarchical pattern).
class AlphaBetaCollectives final : public CollectiveModel {
 public:
  explicit AlphaBetaCollectives(const hw::ClusterSpec& cluster);
  double time_s(CollectiveOp op, double bytes, const CommGroup& group) const override;

  /// Large-message bus bandwidth of `op` inside one node over `ranks` GPUs, bytes/s.
  double intra_busbw_Bps(CollectiveOp op, int ranks) const;
  /// Scale-out bandwidth available to one GPU when `gpus_sharing_nics` GPUs of its node send at once, bytes/s.
  double inter_bw_per_gpu_Bps(int gpus_sharing_nics) const;

 private:
  double intra_time_s(CollectiveOp op, double bytes, int ranks) const;
  double inter_time_s(CollectiveOp op, double bytes, int nodes, double bw_Bps) const;

  hw::ClusterSpec cluster_;
};

}  // namespace capsim::net
