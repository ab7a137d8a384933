#include "models/workloads/inference_step.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/network/nccl_collectives.hpp"
#include "models/workloads/inference_memory.hpp"

namespace capsim::workloads {

using hw::GemmShape;
using hw::Precision;
using net::CollectiveOp;

namespace {

/// FlashAttention-2 forward reaches 0.84x the best dense GEMM at head_dim 128 (Dao 2023, Fig. 4: 73% of A100 peak
/// against cuBLAS's 86.9%); attention stays in 16-bit in FP8 serving recipes.
constexpr double kFlashForwardShareOfGemm = 0.84;
constexpr Precision kAttentionMath = Precision::bf16;
/// Split-K limits: CUTLASS's split-K and stream-K kernels keep each slice of K at least a few k-tiles deep.
constexpr double kMaxSplitK = 16;
constexpr double kMinSplitDepth = 256;
/// Rows of the smallest tile hw::GemmModel's kernels use (Hopper's wgmma is 64 rows), and of an mma.sync tile.
constexpr double kWideTileRows = 64;
constexpr double kSkinnyTileRows = 16;
/// Steps up to this many tokens (or sampled sequences) are cached; bigger ones, rare, are computed each time.
constexpr std::size_t kMaxCachedTokens = 1 << 17;

}  // namespace

InferenceStepModel::InferenceStepModel(const hw::ClusterSpec& cluster, const InferenceJob& job)
    : cluster_(cluster),
      job_(job),
      gemm_(cluster_.gpu),
      collectives_(std::make_unique<net::NcclCollectives>(cluster_)),
      memory_(inference_memory(cluster_.gpu, job_)),
      math_(job.precision),
      weight_bytes_(hw::bytes_per_element(job.weight_precision)),
      in_bytes_(job.precision == Precision::fp8 || job.precision == Precision::fp4
                    ? hw::bytes_per_element(job.precision)
                    : kServingActivationBytes) {
  const TransformerModel& m = job_.model;
  const int per_node = std::max(1, cluster_.gpus_per_node);
  tp_group_ = net::CommGroup{job_.tp, std::min(job_.tp, per_node), 1};
  // Consecutive stages sit in one node while the whole replica does.
  pp_group_ = net::CommGroup{2, job_.tp * job_.pp <= per_node ? 2 : 1, std::min(job_.tp, per_node)};
  layers_ = layers_per_stage(m, job_.pp);
  const double d = m.head_dim > 0 ? m.head_dim : static_cast<double>(m.hidden) / m.heads;
  q_width_ = m.heads * d / job_.tp;
  kv_width_ = kv_heads_per_gpu(m, job_.tp) * d;
  // 4 FLOPs per query-key pair and head dimension: QK^T and PV, 2 each.
  const double pair_flops = 4.0 * q_width_;
  const double flash_eff = cluster_.gpu.gemm_efficiency_cap(kAttentionMath) * kFlashForwardShareOfGemm;
  prefill_attention_s_per_pair_ = gemm_.compute_time_s(pair_flops, kAttentionMath, flash_eff);
  // Decode attention streams each sequence's K and V once (FlashDecoding / TensorRT-LLM XQA); its FLOPs per byte
  // (2 x heads/kv_heads / kv bytes) sit far below any GPU's ridge point, so HBM bandwidth sets its time.
  decode_attention_s_per_token_ = 2.0 * kv_width_ * hw::bytes_per_element(job_.kv_precision) / gemm_.hbm_Bps();
}

double InferenceStepModel::linear_s(double m, double n, double k, double batch) const {
  const double bytes = (k * n * weight_bytes_ + m * k * in_bytes_ + m * n * kServingActivationBytes) * batch;
  // Decode-sized GEMMs (few rows, deep K) make too few output tiles to fill the SMs, so cuBLAS and CUTLASS split K
  // across thread blocks and add the fp32 partial sums afterwards (split-K / stream-K): take the best split.
  double best = std::numeric_limits<double>::infinity();
  for (double split = 1; split <= kMaxSplitK && (split == 1 || k / split >= kMinSplitDepth); split *= 2) {
    const GemmShape shape{m, n, k / split, batch * split};
    const double compute = gemm_.compute_time_s(shape.flops(), math_, gemm_.efficiency(shape, math_));
    const double partials = split > 1 ? 2.0 * m * n * batch * split * 4.0 : 0.0;  // write and read fp32 partials
    best = std::min(best, std::max(compute, (bytes + partials) / gemm_.hbm_Bps()));
  }
  if (m < kWideTileRows) {
    // Skinny GEMMs also have kernels built from 16-row MMA tiles with K spread over every SM (TensorRT-LLM's
    // weight-only GEMV kernels, Marlin): compute is the work padded to 16 rows at the best GEMM efficiency.
    const double padded = 2.0 * std::ceil(m / kSkinnyTileRows) * kSkinnyTileRows * n * k * batch;
    const double compute = gemm_.compute_time_s(padded, math_, cluster_.gpu.gemm_efficiency_cap(math_));
    best = std::min(best, std::max(compute, bytes / gemm_.hbm_Bps()));
  }
  return best + gemm_.kernel_overhead_s();
}

double InferenceStepModel::moe_s(double tokens) const {
  const TransformerModel& m = job_.model;
  const double h = m.hidden;
  const double e = m.experts;
  const double routed = tokens * m.top_k;
  // Balanced routing: the experts a step touches, and so the expert weights it reads, grow with the batch until
  // all of them are busy (expected distinct experts among `routed` picks).
  const double touched = std::max(1.0, e * (1.0 - std::pow(1.0 - static_cast<double>(m.top_k) / e, tokens)));
  const double rows = routed / touched;
  const double up = (m.gated_mlp ? 2.0 : 1.0) * m.expert_ffn_hidden / job_.tp;
  double shared = 0;
  if (m.shared_experts > 0) {  // every token, as a dense MLP beside the routed experts
    shared = linear_s(tokens, (m.gated_mlp ? 2.0 : 1.0) * m.shared_ffn() / job_.tp, h) +
             linear_s(tokens, h, m.shared_ffn() / job_.tp);
  }
  return linear_s(tokens, e, h) + linear_s(rows, up, h, touched) +
         linear_s(rows, h, m.expert_ffn_hidden / job_.tp, touched) + shared;
}

StepTime InferenceStepModel::token_parts(int tokens) const {
  const auto index = static_cast<std::size_t>(tokens);
  if (index < token_cache_.size() && token_cache_[index].done) return token_cache_[index].parts;
  const TransformerModel& m = job_.model;
  const double t = tokens;
  const double h = m.hidden;
  const double tp = job_.tp;
  StepTime p;
  // Per layer: QKV, output projection, MLP (or experts).
  double linear = linear_s(t, q_width_ + 2.0 * kv_width_, h) + linear_s(t, h, q_width_);
  if (m.is_moe()) {
    linear += moe_s(t);
  } else {
    linear += linear_s(t, (m.gated_mlp ? 2.0 : 1.0) * m.ffn_hidden / tp, h) + linear_s(t, h, m.ffn_hidden / tp);
  }
  const double ffn_local = (m.is_moe() ? m.top_k * m.expert_ffn_hidden + m.shared_ffn() : m.ffn_hidden) / tp;
  // Two fused residual-add + RMSNorm (+ quantize) kernels, RoPE with the KV-cache write, the gated activation.
  const double elementwise = 2.0 * gemm_.memory_time_s(t * h * (2 * kServingActivationBytes + kServingActivationBytes + in_bytes_)) +
                             gemm_.memory_time_s(t * (q_width_ + 2.0 * kv_width_) * 2 * kServingActivationBytes) +
                             gemm_.memory_time_s(t * ffn_local * ((m.gated_mlp ? 2.0 : 1.0) * kServingActivationBytes + in_bytes_));
  const double all_reduce = collectives_->time_s(CollectiveOp::all_reduce, t * h * kServingActivationBytes, tp_group_);
  p.linear_s = layers_ * linear;
  p.elementwise_s = layers_ * elementwise + gemm_.memory_time_s(t * h * 2 * kServingEdgeBytes);  // + embedding gather
  p.tp_comm_s = layers_ * 2.0 * all_reduce;
  if (job_.pp > 1) p.pp_comm_s = collectives_->time_s(CollectiveOp::send_recv, t * h * kServingActivationBytes, pp_group_);
  if (index < kMaxCachedTokens) {
    if (index >= token_cache_.size()) token_cache_.resize(index + 1);
    token_cache_[index] = TokenParts{true, p};
  }
  return p;
}

double InferenceStepModel::logits_s(int sampled) const {
  if (sampled <= 0) return 0;
  const auto index = static_cast<std::size_t>(sampled);
  if (index < logits_cache_.size() && logits_cache_[index] > 0) return logits_cache_[index];
  const TransformerModel& m = job_.model;
  const double s = sampled;
  const double vocab_local = static_cast<double>(m.vocab) / job_.tp;
  const double h = m.hidden;
  // Final norm, the 16-bit output projection, and sampling over fp32 logits (softmax, top-k/top-p pass).
  const GemmShape shape{s, vocab_local, h, 1};
  const double eff = gemm_.efficiency(shape, Precision::bf16);
  double time = gemm_.memory_time_s(s * h * 2 * kServingActivationBytes) +
                std::max(gemm_.compute_time_s(shape.flops(), Precision::bf16, eff),
                         (h * vocab_local * kServingEdgeBytes + s * vocab_local * kServingLogitBytes) / gemm_.hbm_Bps()) +
                gemm_.kernel_overhead_s() + gemm_.memory_time_s(s * vocab_local * 2 * kServingLogitBytes);
  if (job_.tp > 1) time += collectives_->time_s(CollectiveOp::all_gather, s * vocab_local * kServingLogitBytes, tp_group_);
  if (index < kMaxCachedTokens) {
    if (index >= logits_cache_.size()) logits_cache_.resize(index + 1, 0.0);
    logits_cache_[index] = time;
  }
  return time;
}

StepTime InferenceStepModel::step_time(const StepBatch& b) const {
  const int tokens = b.tokens();
  if (tokens <= 0) return StepTime{};
  StepTime st = token_parts(tokens);
  const double overhead = gemm_.kernel_overhead_s();
  if (b.prefill_tokens > 0) {
    st.attention_s += layers_ * (b.prefill_attention_pairs * prefill_attention_s_per_pair_ + overhead);
  }
  if (b.decode_seqs > 0) {
    st.attention_s += layers_ * (b.decode_context_tokens * decode_attention_s_per_token_ + overhead);
  }
  st.logits_s = logits_s(b.sampled_seqs);
  st.stage_s = st.linear_s + st.attention_s + st.elementwise_s + st.tp_comm_s + st.logits_s + st.pp_comm_s;
  // Every stage of a balanced pipeline takes about as long as the busiest one.
  st.latency_s = job_.pp * st.stage_s;
  return st;
}

double InferenceStepModel::kv_transfer_s(double tokens) const {
  if (tokens <= 0) return 0;
  const int per_node = std::max(1, cluster_.gpus_per_node);
  const net::CommGroup pair{2, 1, std::min(job_.gpus_per_replica(), per_node)};
  const double bytes = tokens * memory_.kv_bytes_per_token;
  // Every GPU of the replica sends its shard at once; the stages hold different layers, so all move in parallel.
  return collectives_->time_s(CollectiveOp::send_recv, bytes, pair);
}

double InferenceStepModel::unloaded_tpot_s(double context) const {
  StepBatch b;
  b.decode_seqs = 1;
  b.decode_context_tokens = context;
  b.sampled_seqs = 1;
  return step_time(b).latency_s;
}

double InferenceStepModel::unloaded_prefill_s(int tokens) const {
  // Chunked prefill splits a long prompt into budget-sized steps, each attending to the chunks before it.
  const int budget = job_.serving.chunked_prefill ? std::max(1, job_.serving.max_batched_tokens) : std::max(1, tokens);
  double total = 0;
  for (int done = 0; done < tokens;) {
    const int c = std::min(budget, tokens - done);
    StepBatch b;
    b.prefill_tokens = c;
    b.prefill_attention_pairs = c * (done + (c + 1.0) / 2.0);
    done += c;
    b.sampled_seqs = done == tokens ? 1 : 0;
    total += step_time(b).latency_s;
  }
  return total;
}

}  // namespace capsim::workloads
