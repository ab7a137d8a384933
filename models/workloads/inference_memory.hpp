#pragma once
/// @file inference_memory.hpp
/// Memory of one GPU of a serving replica: weights, activation workspace, runtime reserve, and the KV cache that
/// fills the rest of the engine's share of HBM, counted in paged blocks (vLLM's PagedAttention).

#include "models/hardware/gpu.hpp"
#include "models/workloads/serving.hpp"

namespace capsim::workloads {

/// Bytes per element of what a serving engine keeps outside the quantized linear layers (used by the memory and the
/// step models alike). The embedding and output layers stay in 16 bits in FP8 and 4-bit checkpoints (ModelOpt and
/// AWQ quantize the linear layers of the blocks only; the NVIDIA FP8 checkpoints list lm_head under
/// exclude_modules); activations between kernels are 16-bit; logits are upcast to fp32 for sampling.
inline constexpr double kServingEdgeBytes = 2.0;
inline constexpr double kServingActivationBytes = 2.0;
inline constexpr double kServingLogitBytes = 4.0;

/// One GPU of a replica (the busiest pipeline stage), bytes.
struct InferenceMemory {
  double budget_B = 0;            ///< gpu_memory_utilization x HBM capacity
  double weights_B = 0;           ///< this GPU's shard of the weights
  double activations_B = 0;       ///< peak working set of a step of max_batched_tokens tokens, logits included
  double runtime_B = 0;           ///< CUDA context, library workspaces, communication buffers, CUDA graphs
  double kv_cache_B = 0;          ///< what is left for the KV cache (0 when the rest does not fit)
  double kv_bytes_per_token = 0;  ///< KV-cache bytes one token takes on this GPU (its layers and KV heads)
  long long kv_blocks = 0;        ///< whole blocks of ServingSettings::block_tokens tokens
  long long kv_tokens = 0;        ///< kv_blocks x block_tokens: tokens the replica can hold

  /// True when the weights and workspace fit and at least one block is left.
  bool fits() const { return kv_blocks > 0; }
  /// Bytes missing when it does not fit (0 otherwise).
  double shortfall_B() const;
};

/// Layers on the busiest pipeline stage: ceil(layers / pp).
int layers_per_stage(const TransformerModel& model, int pp);
/// KV heads each GPU stores: kv_heads / tp, at least one (heads are replicated when tp > kv_heads).
int kv_heads_per_gpu(const TransformerModel& model, int tp);

/// Memory of one GPU of a replica of `job` on `gpu`.
InferenceMemory inference_memory(const hw::GpuSpec& gpu, const InferenceJob& job);

}  // namespace capsim::workloads
