#pragma once
/// @file layer_costs.hpp
/// Closed-form cost of one transformer layer, and of the embedding and output layers, for one micro-batch on one
/// GPU. All times in seconds. Sources: Narayanan et al. SC'21 (Megatron-LM) for the op list and TP/PP traffic,
/// Korthikanti et al. 2022 for sequence parallelism and selective recompute, Dao 2023 (FlashAttention-2) for
/// fused attention costs.

#include "models/hardware/cluster.hpp"
#include "models/hardware/gemm_model.hpp"
#include "models/network/collective_model.hpp"
#include "models/workloads/transformer.hpp"

namespace capsim::sim {

/// Times of one pass of one layer, one micro-batch, one GPU.
struct PassCost {
  double compute_s = 0;  ///< GEMMs, attention and memory-bound kernels
  double tp_comm_s = 0;  ///< tensor-parallel collectives (exposed: Megatron does not overlap them)
  double cp_comm_s = 0;  ///< context-parallel KV exchange not hidden behind attention
  double ep_comm_s = 0;  ///< expert-parallel all-to-all
  double flops = 0;      ///< FLOPs the GPU executes in this pass

  double total_s() const { return compute_s + tp_comm_s + cp_comm_s + ep_comm_s; }
  PassCost& operator+=(const PassCost& o);
};

/// Forward, backward and recompute cost of one layer (or of the edge layers).
struct LayerCost {
  PassCost forward;
  PassCost backward;
  PassCost recompute;  ///< extra forward work done inside backward (activation recomputation)

  double total_s() const { return forward.total_s() + backward.total_s() + recompute.total_s(); }
};

/// Everything the layer formulas need, derived once per configuration.
struct LayerContext {
  const workloads::TrainingJob* job;
  const hw::ClusterSpec* cluster;
  const hw::GemmModel* gemm;
  const net::CollectiveModel* collectives;
  net::CommGroup tp_group;
  net::CommGroup cp_group;
  net::CommGroup ep_group;
  int ep_per_domain = 1;  ///< EP ranks that share one scale-up domain (node, or NVLink domain across nodes)
};

/// One transformer block.
LayerCost transformer_layer_cost(const LayerContext& ctx);
/// Embedding lookup on the first stage.
LayerCost embedding_cost(const LayerContext& ctx);
/// Final norm, output projection (logits) and cross-entropy on the last stage.
LayerCost output_layer_cost(const LayerContext& ctx);

}  // namespace capsim::sim
