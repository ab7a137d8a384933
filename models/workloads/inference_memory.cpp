#include "models/workloads/inference_memory.hpp"

#include <algorithm>
#include <cmath>

namespace capsim::workloads {

namespace {

/// Memory a serving engine holds besides weights, activations and KV cache: the CUDA context, cuBLAS and NCCL
/// workspaces and the captured CUDA graphs. Estimate: vLLM's start-up memory profile on H100 reports a few hundred
/// MiB of non-torch memory and 0.5-1 GiB for CUDA graphs; 1.5 GiB covers both (assumption, not measured here).
constexpr double kRuntimeReserveB = 1.5 * 1024 * 1024 * 1024;

}  // namespace

double InferenceMemory::shortfall_B() const {
  if (fits()) return 0;
  const double need = weights_B + activations_B + runtime_B + kv_bytes_per_token;
  return std::max(0.0, need - budget_B);
}

int layers_per_stage(const TransformerModel& model, int pp) {
  const int stages = std::max(1, pp);
  return (model.layers + stages - 1) / stages;
}

int kv_heads_per_gpu(const TransformerModel& model, int tp) {
  const int t = std::max(1, tp);
  return std::max(1, (model.kv_heads + t - 1) / t);
}

InferenceMemory inference_memory(const hw::GpuSpec& gpu, const InferenceJob& job) {
  const TransformerModel& m = job.model;
  const double t = std::max(1, job.tp);
  const double h = m.hidden;
  const double d = m.head_dim > 0 ? m.head_dim : h / std::max(1, m.heads);
  const double q = m.heads * d;
  const double kv = kv_heads_per_gpu(m, job.tp) * d;  // per GPU
  const double matrices = m.gated_mlp ? 3.0 : 2.0;
  const double ffn = m.is_moe() ? m.expert_ffn_hidden : m.ffn_hidden;
  const double experts = m.is_moe() ? m.experts : 1.0;

  // Per layer and GPU: Wq and Wo split over TP, Wk/Wv per local KV head, MLP (every expert) split over TP.
  const double layer_params =
      (2.0 * h * q) / t + 2.0 * h * kv + experts * matrices * h * ffn / t + matrices * h * m.shared_ffn() / t +
      (m.is_moe() ? h * m.experts : 0.0);
  const double wbytes = hw::bytes_per_element(job.weight_precision);
  const double embedding = static_cast<double>(m.vocab) * h / t * kServingEdgeBytes;
  const double output = embedding;  // untied: its own matrix; tied: the same one, held by the last stage too
  const double edges = job.pp <= 1 ? (m.tied_embeddings ? embedding : embedding + output) : std::max(embedding, output);
  const int layers = layers_per_stage(m, job.pp);

  InferenceMemory mem;
  mem.budget_B = job.serving.gpu_memory_utilization * gpu.hbm_bytes;
  mem.weights_B = layers * layer_params * wbytes + edges;
  // The engine sizes its workspace by profiling one step of max_batched_tokens tokens (vLLM's profile_run): the
  // residual stream, the QKV and MLP intermediates of one layer at a time, and the logits of every sequence.
  const double per_token = kServingActivationBytes * (3.0 * h + (q / t + 2.0 * kv) + matrices * ffn / t * (m.is_moe() ? m.top_k : 1));
  const double logits = static_cast<double>(job.serving.max_num_seqs) * static_cast<double>(m.vocab) / t * kServingLogitBytes;
  mem.activations_B = job.serving.max_batched_tokens * per_token + 2.0 * logits;
  mem.runtime_B = kRuntimeReserveB;
  mem.kv_bytes_per_token = layers * 2.0 * kv * hw::bytes_per_element(job.kv_precision);
  const double left = mem.budget_B - mem.weights_B - mem.activations_B - mem.runtime_B;
  const double block_B = mem.kv_bytes_per_token * std::max(1, job.serving.block_tokens);
  if (left > 0 && block_B > 0) {
    mem.kv_blocks = static_cast<long long>(std::floor(left / block_B));
    mem.kv_cache_B = static_cast<double>(mem.kv_blocks) * block_B;
    mem.kv_tokens = mem.kv_blocks * job.serving.block_tokens;
  }
  return mem;
}

}  // namespace capsim::workloads
