#pragma once
/// @file collective_model.hpp
/// Time of a collective operation on a group of GPUs. The training and inference models ask this interface, never a
/// formula; NcclCollectives (nccl_collectives.hpp) is the cluster's model.

#include <memory>
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

}  // namespace capsim::net
