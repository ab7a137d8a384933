#pragma once
/// @file job_plan.hpp
/// One training job prepared for the DES: its rank layout, its 1F1B / interleaved 1F1B op order per stage, and the
/// duration of every op and the size of every flow, all taken from the shared per-micro-batch costs
/// (sim/analytical/training_costs.hpp) so that the two engines model the same work.

#include <vector>

#include "models/hardware/cluster.hpp"
#include "models/network/collective_model.hpp"
#include "models/workloads/transformer.hpp"
#include "sim/des/fat_tree_shape.hpp"

namespace capsim::sim::des {

/// One scheduled pass on one stage.
struct Op {
  bool forward = true;
  int chunk = 0;        ///< virtual-stage chunk, 0..vs-1
  int micro_batch = 0;  ///< 0..mb-1
};

/// Where a pass's output goes: a stage and chunk, or stage -1 for nowhere.
struct Hop {
  int stage = -1;
  int chunk = 0;
};

/// An inter-node ring of a data-parallel phase, at node level: every GPU position whose ring visits the same nodes
/// in the same order is merged into it (rails are merged in the fabric too).
struct NodeRing {
  std::vector<int> nodes;
  double gpu_rings = 1;  ///< how many GPU-level rings this one stands for
};

/// The bytes one node sends another in one transfer.
struct NodeFlow {
  int src_node = 0;
  int dst_node = 0;
  double bytes = 0;
};

/// Everything the DES needs about one job.
struct JobPlan {
  int tp = 1, cp = 1, dp = 1, pp = 1, vs = 1, mb = 1;
  int first_gpu = 0;
  int gpus_per_node = 8;
  int nodes_per_domain = 1;  ///< nodes in one scale-up domain (NcclCollectives::domain_gpus)
  int zero = 0;
  bool overlap_grad_reduce = true;
  bool overlap_param_gather = true;
  /// ZeRO 3: every op gathers its chunk's parameters (1/vs of the stage's) before it can finish, as FSDP2 (which
  /// reshards after forward), Megatron-FSDP and XLA's FSDP do; nothing is gathered after the step.
  bool gather_every_op = false;
  std::vector<double> forward_durations;   ///< by stage x vs + chunk, seconds (node-local TP/CP/EP traffic included)
  std::vector<double> backward_durations;  ///< same, backward plus recompute
  double p2p_bytes = 0;          ///< one pipeline flow (one GPU's share)
  double dp_flow_bytes = 0;      ///< one GPU-level flow of an inter-node gradient ring
  double gather_flow_bytes = 0;  ///< one GPU-level flow of an inter-node parameter all-gather ring
  double dp_intra_s = 0;         ///< node-local legs and ring latency of the gradient reduction
  double gather_intra_s = 0;     ///< same for the parameter gather
  double optimizer_s = 0;
  std::vector<std::vector<NodeRing>> rings;  ///< per stage: the inter-node rings of the DP phase
  /// On a scale-out torus, by stage: every flow of the gradient reduction and of the parameter gather, whole-phase
  /// bytes (torus_phase_flows()); empty on a tree fabric, where the rings above run.
  std::vector<std::vector<NodeFlow>> torus_dp_flows;
  std::vector<std::vector<NodeFlow>> torus_gather_flows;
  std::vector<double> stage_slowdown;        ///< by stage x dp + replica: the slowest GPU of its TP x CP group
  int ep = 1;
  /// Expert all-to-all bytes a stage replica sends to each peer replica of its EP group per layer and pass
  /// (dispatch and combine, every GPU of the replica); 0 when the EP group stays inside one node.
  double ep_bytes_per_layer = 0;
  double ep_backward_passes = 1;  ///< all-to-all rounds in a backward op (2 with full recompute)
  std::vector<double> layers_per_chunk;  ///< by stage x vs + chunk
  /// Context-parallel KV bytes one GPU sends to the next CP rank per layer in a forward pass (backward sends
  /// twice: K, V and their gradients); 0 when the CP ring stays inside one node.
  double cp_bytes_per_layer = 0;

  int ops_per_stage() const { return 2 * mb * vs; }
  /// The `index`-th op stage `stage` runs (Megatron-LM's schedule order).
  Op op(int stage, int index) const;
  bool needs_forward_input(int stage, int chunk) const { return stage > 0 || chunk > 0; }
  bool needs_backward_input(int stage, int chunk) const { return stage < pp - 1 || chunk < vs - 1; }
  Hop forward_target(int stage, int chunk) const;
  Hop backward_target(int stage, int chunk) const;
  double forward_s(int stage, int chunk) const { return forward_durations[stage * vs + chunk]; }
  double backward_s(int stage, int chunk) const { return backward_durations[stage * vs + chunk]; }
  /// Global GPU rank of (replica d, stage s, context rank c, tensor rank t): Megatron order tp, cp, dp, pp.
  int rank(int d, int s, int c, int t) const { return first_gpu + ((s * dp + d) * cp + c) * tp + t; }
  int node_of(int rank) const { return rank / gpus_per_node; }
  /// The scale-up domain of node `node`: one node, or the nodes one NVLink or ICI domain joins (GB200 NVL72's
  /// trays, a TPU slice, a Trn2 UltraServer). Traffic inside it is costed by the scale-up model, not the fabric.
  int domain_of_node(int node) const { return node / nodes_per_domain; }
  bool same_domain(int a, int b) const { return domain_of_node(node_of(a)) == domain_of_node(node_of(b)); }
  const std::vector<NodeRing>& dp_rings(int stage) const { return rings[stage]; }
  /// The fabric flows of one pipeline transfer of `replica` from stage `from` to stage `to`: one per pair of nodes,
  /// since the GPUs of a node send over their rails at once (rail-merged fabric). Pairs in one scale-up domain ride
  /// NVLink (or ICI) and are costed in the op (node model), so they are left out.
  std::vector<NodeFlow> p2p_flows(int replica, int from, int to) const;
  /// Replicas in the expert-parallel group of `replica` (ep consecutive replicas, Megatron's layout).
  int ep_group_first(int replica) const { return replica / ep * ep; }
};

/// The flows of one collective phase of `ring` on torus `torus`, one GPU-level ring's buffer being `buffer_bytes`
/// (bytes per rank before the collective) and its plain-ring edge `ring_edge_bytes`. When the ring's nodes fill a
/// block of the torus that net::torus_collective() lays the group out as, they are that algorithm's traffic: each
/// node sends, along every dimension the block spans, the share of the buffer the algorithm moves there
/// (TorusCollective::load, twice for all-reduce) to its neighbours, half each way round a dimension that wraps, all
/// of it to each neighbour on a line (the ring folded onto it loads both directions of every cable). Otherwise
/// (a group that is not such a block) NCCL's ring over the nodes in order, each edge over SimGrid's multi-hop route.
/// Every flow carries `ring.gpu_rings` GPU-level rings.
std::vector<NodeFlow> torus_phase_flows(const TorusShape& torus, const NodeRing& ring, net::CollectiveOp op,
                                        double buffer_bytes, double ring_edge_bytes);

/// Prepares `job` to run on GPUs [first_gpu, first_gpu + job.gpus()) of `cluster`. `slowdown[rank]` > 1 slows
/// that GPU's compute (a straggler holds back its whole tensor-parallel group).
JobPlan make_job_plan(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job, int first_gpu,
                      const std::vector<double>& slowdown);

}  // namespace capsim::sim::des
