#pragma once
/// @file inference_step.hpp
/// Time of one serving-engine step (a forward pass over a continuous batch of prefill chunks and decodes) on one
/// replica, from the hardware model:
///  - linear layers through hw::GemmModel: compute-bound for prefill-sized batches, bound by reading the weights
///    (at their storage precision: 16-bit, FP8 or 4-bit) for decode-sized ones;
///  - attention: FlashAttention FLOPs for prefill chunks (causal, against the tokens before them), HBM reads of the
///    KV cache for decodes;
///  - memory-bound norms, RoPE and activations; the logits and sampling of the sequences that emit a token;
///  - two tensor-parallel all-reduces per layer and one pipeline send per stage through net::CollectiveModel.
/// Nothing is fitted per workload: the inputs are the GPU catalog's figures.

#include <memory>
#include <vector>

#include "models/hardware/cluster.hpp"
#include "models/hardware/gemm_model.hpp"
#include "models/network/collective_model.hpp"
#include "models/workloads/inference_memory.hpp"
#include "models/workloads/serving.hpp"

namespace capsim::workloads {

/// What one step processes, summed over its sequences.
struct StepBatch {
  int prefill_tokens = 0;  ///< prompt tokens computed this step (whole prompts or chunks)
  /// Query-key pairs the prefill chunks' causal attention computes: per chunk of c tokens after p cached ones,
  /// c x (p + (c + 1) / 2).
  double prefill_attention_pairs = 0;
  int decode_seqs = 0;               ///< sequences decoding one token
  double decode_context_tokens = 0;  ///< KV-cache tokens the decodes' attention reads, summed
  int sampled_seqs = 0;              ///< sequences that emit a token (decodes and prefills that finish their prompt)

  int tokens() const { return prefill_tokens + decode_seqs; }
};

/// Time of one step, seconds. Parts are per pipeline stage and sum to stage_s.
struct StepTime {
  double stage_s = 0;    ///< how long one pipeline stage is busy (the whole replica when pp = 1)
  double latency_s = 0;  ///< from the step's start until its tokens exist: every stage and the sends between them
  double linear_s = 0;   ///< GEMMs of the blocks
  double attention_s = 0;
  double elementwise_s = 0;  ///< norms, RoPE, activations, embedding
  double tp_comm_s = 0;
  double logits_s = 0;  ///< output projection and sampling
  double pp_comm_s = 0;
};

/// Step-time model of one replica. Caches the parts that depend only on the token counts, so it is cheap to call
/// millions of times; not thread-safe (one model per simulation).
class InferenceStepModel {
 public:
  InferenceStepModel(const hw::ClusterSpec& cluster, const InferenceJob& job);
  // The GEMM model points into cluster_: the object stays where it was built.
  InferenceStepModel(const InferenceStepModel&) = delete;
  InferenceStepModel& operator=(const InferenceStepModel&) = delete;

  /// Time of one step over `batch`.
  StepTime step_time(const StepBatch& batch) const;
  /// Memory of one GPU of the replica (KV capacity included).
  const InferenceMemory& memory() const { return memory_; }
  /// Seconds to move the KV cache of `tokens` tokens from a prefill replica to a decode replica over the scale-out
  /// fabric (every GPU sends its shard to its peer at once).
  double kv_transfer_s(double tokens) const;
  /// Seconds for one step with a single decoding sequence of `context` tokens (the unloaded time per output token).
  double unloaded_tpot_s(double context) const;
  /// Seconds for one step prefilling a whole prompt of `tokens` tokens alone (the unloaded TTFT, chunking aside).
  double unloaded_prefill_s(int tokens) const;

 private:
  /// Per-stage time of the parts that depend only on the step's token count: linear layers, elementwise kernels,
  /// TP all-reduces, embedding and PP send (the other fields are 0).
  StepTime token_parts(int tokens) const;
  double logits_s(int sampled) const;
  double linear_s(double m, double n, double k, double batch = 1) const;
  double moe_s(double tokens) const;

  hw::ClusterSpec cluster_;
  InferenceJob job_;
  hw::GemmModel gemm_;
  std::unique_ptr<net::CollectiveModel> collectives_;
  net::CommGroup tp_group_;
  net::CommGroup pp_group_;
  InferenceMemory memory_;
  hw::Precision math_;
  double weight_bytes_;
  double in_bytes_;  ///< GEMM input activations: 1 byte under FP8 math (quantized), else 2
  double layers_;    ///< on the busiest stage
  double q_width_;   ///< per GPU
  double kv_width_;  ///< per GPU
  double prefill_attention_s_per_pair_;
  double decode_attention_s_per_token_;

  struct TokenParts {
    bool done = false;
    StepTime parts;
  };
  mutable std::vector<TokenParts> token_cache_;
  mutable std::vector<double> logits_cache_;
};

}  // namespace capsim::workloads
