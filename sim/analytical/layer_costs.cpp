#include "sim/analytical/layer_costs.hpp"

#include <algorithm>
#include <utility>

#include "models/hardware/training_quantization.hpp"

namespace capsim::sim {

using hw::GemmShape;
using hw::Precision;
using net::CollectiveOp;
using workloads::AttentionKernel;
using workloads::Recompute;

PassCost& PassCost::operator+=(const PassCost& o) {
  compute_s += o.compute_s;
  tp_comm_s += o.tp_comm_s;
  cp_comm_s += o.cp_comm_s;
  ep_comm_s += o.ep_comm_s;
  flops += o.flops;
  return *this;
}

namespace {

/// Activations are kept in 16-bit formats whatever the GEMM precision (FP8 recipes keep bf16 activations between
/// kernels and cast at the GEMM boundary).
constexpr double kActBytes = 2.0;

/// FlashAttention-2 reaches up to 73% of A100 peak forward and 63% backward at head_dim 128 (Dao 2023, Fig. 4-5),
/// i.e. 0.84x and 0.72x of the best dense GEMM (86.9%). Expressed relative to the GPU's GEMM cap so that it carries
/// over to other GPUs.
constexpr double kFlashForwardShareOfGemm = 0.84;
constexpr double kFlashBackwardShareOfGemm = 0.72;

/// FlashAttention's Triton kernel (llm-foundry's `attn_impl: triton`) against FlashAttention-2 on the same GPU:
/// FlashAttention-2 is "around 2x faster than FlashAttention" (Dao 2023, arXiv 2307.08691), and the Triton kernel's
/// own notes (flash_attn_triton.py, HazyResearch/flash-attention @ eff9fe6b) say its forward plus backward is
/// "slightly slower than CUDA forward + backward" of FlashAttention: one half, forward and backward alike.
constexpr double kTritonShareOfFlash2 = 0.5;

/// Flash-attention share of the BF16 dense peak at head_dim 128: the calibration profile's measurement when the GPU
/// has one (> 0), else the GPU's GEMM cap times FlashAttention-2's published share of the best GEMM.
double flash_efficiency(double measured, double gemm_cap, double share_of_gemm) {
  return measured > 0 ? measured : gemm_cap * share_of_gemm;
}

/// Adds a GEMM's forward cost, and its two backward GEMMs (data and weight gradients), to fwd/bwd.
struct GemmAdder {
  const hw::GemmModel& gemm;
  Precision math;
  double element_bytes;
  double cast_bytes_per_input;  ///< FP8/FP4: bytes moved to quantize an input element (hw::training_quantize_bytes)

  /// Adds the forward GEMM; returns its time alone (what a communication kernel can overlap). `cast_share`: the
  /// share of the input this rank casts to fp8 (1/tp where TE casts the sequence-parallel shard before gathering it
  /// in fp8).
  double forward(PassCost& pass, const GemmShape& s, double cast_share = 1.0) const {
    const double t = gemm.gemm_time_s(s, math, element_bytes);
    pass.compute_s += t;
    pass.flops += s.flops();
    if (cast_bytes_per_input > 0) {
      pass.compute_s += gemm.memory_time_s(s.m * s.k * s.batch * cast_share * cast_bytes_per_input);
    }
    return t;
  }
  /// Adds both backward GEMMs; returns their times {dgrad, wgrad}. `cast_share` as for forward(), for the output
  /// gradient.
  std::pair<double, double> backward(PassCost& pass, const GemmShape& s, double cast_share = 1.0) const {
    // dX[m x k] = dY[m x n] * W^T[n x k];  dW[k x n] = X^T[k x m] * dY[m x n]
    const GemmShape dgrad{s.m, s.k, s.n, s.batch};
    const GemmShape wgrad{s.k, s.n, s.m, s.batch};
    const double td = gemm.gemm_time_s(dgrad, math, element_bytes);
    const double tw = gemm.gemm_time_s(wgrad, math, element_bytes);
    pass.compute_s += td + tw;
    pass.flops += dgrad.flops() + wgrad.flops();
    if (cast_bytes_per_input > 0) {
      pass.compute_s += gemm.memory_time_s(s.m * s.n * s.batch * cast_share * cast_bytes_per_input);
    }
    return {td, tw};
  }
};

/// FP8 and FP4 GEMMs first quantize their 16-bit inputs (hw::training_quantize_bytes: TE's current-scaling FP8 and
/// NVFP4 recipes) and read operands of hw::gemm_operand_bytes.
GemmAdder make_adder(const LayerContext& ctx) {
  const Precision math = ctx.job->precision;
  const bool low = math == Precision::fp8 || math == Precision::fp4;
  return GemmAdder{*ctx.gemm, math, low ? hw::gemm_operand_bytes(math) : kActBytes,
                   low ? hw::training_quantize_bytes(math) : 0.0};
}

/// Memory-bound kernel moving `bytes`.
void add_memory(PassCost& pass, const hw::GemmModel& gemm, double bytes) { pass.compute_s += gemm.memory_time_s(bytes); }

/// FSDP2's copy-out of `weights` gathered 16-bit parameters (TrainingSoftware::zero3_gather), forward and backward:
/// read and write each once. Nothing where ZeRO-3 shards nothing or the layers use the gathered buffer in place.
void add_zero3_copy_out(const LayerContext& ctx, LayerCost& cost, double weights) {
  const auto& p = ctx.job->parallelism;
  if (p.zero < 3 || p.dp * p.cp <= 1 || ctx.job->software.zero3_gather != workloads::Zero3Gather::copy_out) return;
  add_memory(cost.forward, *ctx.gemm, weights * (2 + 2));
  add_memory(cost.backward, *ctx.gemm, weights * (2 + 2));
}

/// Attention core (scores, softmax, weighted sum) for one micro-batch: adds forward and backward costs, and returns
/// the forward part alone (what selective recompute repeats).
PassCost attention_core(const LayerContext& ctx, LayerCost& cost) {
  const auto& m = ctx.job->model;
  const auto& p = ctx.job->parallelism;
  const double b = p.micro_batch;
  const double heads = static_cast<double>(m.heads) / p.tp;
  const double d = m.head_dim > 0 ? m.head_dim : static_cast<double>(m.hidden) / m.heads;
  const double sq = static_cast<double>(m.seq_len) / p.cp;  // queries held by this rank
  const double skv = m.seq_len;                              // keys seen over the CP ring
  const hw::GemmModel& gemm = *ctx.gemm;
  PassCost fwd;
  PassCost bwd;

  if (ctx.job->software.attention != AttentionKernel::unfused) {
    // Causal: blocks above the diagonal are skipped; diagonal blocks (128 wide) are computed whole.
    const double flops = hw::flash_attention_flops(b, heads, sq, skv, d);
    const Precision math = Precision::bf16;  // attention stays in 16-bit in Megatron/TE FP8 recipes
    const hw::GpuSpec& gpu = ctx.cluster->gpu;
    const double cap = gpu.gemm_efficiency_cap(math);
    const double head_factor = hw::flash_head_factor(d);  // narrow heads under-fill the tensor cores
    // FlashAttention-2 (PyTorch SDPA): the GPU's measured FA2 share where FA2 differs from its A100 behaviour
    // (Hopper), else FA2's published share of the best GEMM; never the cuDNN/FA3 calibration.
    // The Triton kernel runs at half of that FlashAttention-2 rate.
    const AttentionKernel kernel = ctx.job->software.attention;
    const bool fa2 = kernel == AttentionKernel::flash2 || kernel == AttentionKernel::triton;
    const double kernel_share = kernel == AttentionKernel::triton ? kTritonShareOfFlash2 : 1.0;
    const double measured_f = fa2 ? gpu.flash2_fwd_efficiency : gpu.attention_fwd_efficiency;
    const double measured_b = fa2 ? gpu.flash2_bwd_efficiency : gpu.attention_bwd_efficiency;
    const double eff_f = flash_efficiency(measured_f, cap, kFlashForwardShareOfGemm) * head_factor * kernel_share;
    const double eff_b = flash_efficiency(measured_b, cap, kFlashBackwardShareOfGemm) * head_factor * kernel_share;
    fwd.compute_s += gemm.compute_time_s(flops, math, eff_f) + gemm.kernel_overhead_s();
    fwd.flops += flops;
    bwd.compute_s += gemm.compute_time_s(hw::kFlashBackwardFlopRatio * flops, math, eff_b) + gemm.kernel_overhead_s();
    bwd.flops += hw::kFlashBackwardFlopRatio * flops;
  } else {
    // Unfused: QK^T and AV as batched GEMMs; scale+mask+softmax (fused) and dropout on the s x s scores in HBM.
    const GemmAdder add16{gemm, Precision::bf16, kActBytes, 0};
    const GemmShape qk{sq, skv, d, b * heads};
    const GemmShape av{sq, d, skv, b * heads};
    const double scores = b * heads * sq * skv;
    add16.forward(fwd, qk);
    add_memory(fwd, gemm, scores * (2 + 2));  // softmax: read scores, write probabilities
    if (ctx.job->software.dropout) add_memory(fwd, gemm, scores * (2 + 2 + 1));  // dropout: read, write, mask
    add16.forward(fwd, av);
    add16.backward(bwd, av);
    if (ctx.job->software.dropout) add_memory(bwd, gemm, scores * (2 + 1 + 2));
    add_memory(bwd, gemm, scores * (2 + 2 + 2));  // softmax backward: read grad and output, write grad
    add16.backward(bwd, qk);
  }

  if (p.cp > 1) {
    // Ring attention: cp-1 exchanges of this rank's K and V block, overlapped with the attention of the previous
    // block; backward also returns dK, dV. Only the part that outlasts the compute is exposed.
    // PyTorch SDPA (flash2) and the Triton kernel take K and V already repeated to every query head (torchtitan's
    // repeat_kv, llm-foundry's repeat), so their ring passes `heads` wide blocks, not `kv_heads` wide ones.
    const double ring_kv_heads = workloads::repeats_kv_heads(ctx.job->software.attention) ? m.heads : m.kv_heads;
    const double kv_bytes = b * sq * 2.0 * ring_kv_heads * d / std::min<double>(p.tp, ring_kv_heads) * kActBytes;
    const double step = ctx.collectives->time_s(CollectiveOp::send_recv, kv_bytes, ctx.cp_group);
    const double f_comm = (p.cp - 1) * step;
    const double b_comm = 2.0 * f_comm;
    fwd.cp_comm_s += std::max(0.0, f_comm - fwd.compute_s * (p.cp - 1) / p.cp);
    bwd.cp_comm_s += std::max(0.0, b_comm - bwd.compute_s * (p.cp - 1) / p.cp);
    // Each ring step yields a partial output and log-sum-exp that are merged in fp32 (Transformer Engine's
    // AttnFuncWithCPAndKVP2P, flash_attn_fwd_out_correction): per step read the 16-bit partial (2) and read-modify-
    // write the fp32 sum (4 + 4), then one cast back (4 + 2). Backward accumulates dQ in fp32 the same way and adds
    // each step's dK, dV into the 16-bit buffer that travels the ring (2 + 2 + 2).
    const double q_elems = b * sq * heads * d;
    const double kv_elems = b * sq * 2.0 * ring_kv_heads / std::min<double>(p.tp, ring_kv_heads) * d;
    add_memory(fwd, gemm, q_elems * ((2 + 4 + 4) * p.cp + 4 + 2));
    add_memory(bwd, gemm, q_elems * (2 + 4 + 4) * p.cp + kv_elems * (2 + 2 + 2) * p.cp);
  }
  cost.forward += fwd;
  cost.backward += bwd;
  return fwd;
}

/// Tensor-parallel traffic of one Megatron block boundary (f/g operators): an all-reduce, or with sequence
/// parallelism an all-gather plus a reduce-scatter, of the layer's activations.
struct Boundary {
  double all_gather_s = 0;      ///< sequence parallel: gathers the block input
  double reduce_scatter_s = 0;  ///< sequence parallel: scatters the block output; else the all-reduce
  double total_s() const { return all_gather_s + reduce_scatter_s; }
};

/// Seconds of one direction's expert exchange (dispatch and combine) of `tokens` on this rank.
///  - All-to-all: every routed copy goes to its expert's rank in one NCCL all-to-all per leg.
///  - DeepEP across domains: a token crosses the fabric once per destination domain and is forwarded inside it
///    over the scale-up links; the two legs run pipelined (DeepEP's internode kernels), so the slower sets the pace.
///    Each is priced as the all-to-all whose fabric (or scale-up) share carries exactly those bytes.
double expert_exchange_s(const LayerContext& ctx, double tokens) {
  const auto& m = ctx.job->model;
  const auto& sw = ctx.job->software;
  const double h = m.hidden;
  const int ep = ctx.job->parallelism.ep;
  const int r = std::clamp(ctx.ep_per_domain, 1, std::max(1, ep));
  const workloads::ExpertExchangeBytes bytes = workloads::expert_exchange_bytes(sw.moe_dispatcher, ctx.job->precision);
  if (sw.moe_dispatcher != workloads::MoeDispatcher::deepep || r >= ep) {
    return ctx.collectives->time_s(CollectiveOp::all_to_all, tokens * m.expert_slots_per_token() * h * bytes.dispatch,
                                   ctx.ep_group) +
           ctx.collectives->time_s(CollectiveOp::all_to_all, tokens * m.expert_slots_per_token() * h * bytes.combine,
                                   ctx.ep_group);
  }
  const workloads::ExpertRoute route = workloads::expert_route(m, sw.moe_dispatcher, ep, r);
  net::CommGroup domain = ctx.ep_group;
  domain.ranks = r;
  domain.ranks_per_node = std::min(r, ctx.ep_group.ranks_per_node);
  double total = 0;
  for (const double b : {bytes.dispatch, bytes.combine}) {
    double leg = ctx.collectives->time_s(CollectiveOp::all_to_all, tokens * route.fabric_copies * h * b * ep / (ep - r),
                                         ctx.ep_group);
    if (r > 1) {
      const double forwarded = tokens * route.scale_up_copies * h * b * r / (r - 1);
      leg = std::max(leg, ctx.collectives->time_s(CollectiveOp::all_to_all, forwarded, domain));
    }
    total += leg;
  }
  return total;
}

/// `gather_bytes_per_element`: what the all-gather moves per element (16-bit, or 1 where the gathered operand is
/// already FP8).
Boundary tp_boundary(const LayerContext& ctx, double tokens, double gather_bytes_per_element = kActBytes) {
  const auto& p = ctx.job->parallelism;
  if (p.tp <= 1) return {};
  const double bytes = tokens * ctx.job->model.hidden * kActBytes;
  if (p.sequence_parallel) {
    const double gathered = tokens * ctx.job->model.hidden * gather_bytes_per_element;
    return {ctx.collectives->time_s(CollectiveOp::all_gather, gathered, ctx.tp_group),
            ctx.collectives->time_s(CollectiveOp::reduce_scatter, bytes, ctx.tp_group)};
  }
  return {0, ctx.collectives->time_s(CollectiveOp::all_reduce, bytes, ctx.tp_group)};
}

double tp_boundary_s(const LayerContext& ctx, double tokens) { return tp_boundary(ctx, tokens).total_s(); }

/// Transformer Engine's userbuffers overlap of sequence-parallel collectives with the GEMMs beside them, with TE's
/// default settings (transformer_engine/pytorch/module/base.py, initialize_ub):
///  - "ring_exchange" (the all-gathers feeding the QKV and FC1 forward GEMMs and the proj and FC2 dgrad GEMMs): the
///    GEMM runs chunk by chunk while copy engines pass the next chunk around the ring (1 SM); what outlasts the
///    GEMM is exposed.
///  - "pipeline" (the reduce-scatters after the proj and FC2 forward GEMMs): 4 splits, each reduce-scattered while
///    the next computes, on 16 SMs taken from the GEMM (set_sm_margin); the last split's reduce-scatter is exposed.
///  - "bulk" (the dgrad reduce-scatters behind the QKV and FC1 wgrad GEMMs): 16 SMs taken from the wgrad GEMM.
/// The 16 SMs a GEMM gives up make it sms / (sms - 16) slower (H100: 132 SMs, +14%).
struct TpOverlap {
  double sms;
  static constexpr double kCommSms = 16;
  static constexpr double kPipelineSplits = 4;

  /// Exposed seconds of a ring-exchange all-gather of `comm_s` beside a GEMM of `gemm_s`.
  static double ring(double comm_s, double gemm_s) { return std::max(0.0, comm_s - gemm_s); }
  /// Extra GEMM seconds while a 16-SM communication kernel shares the GPU with a GEMM of `gemm_s`.
  double sm_loss(double gemm_s) const { return gemm_s * kCommSms / std::max(1.0, sms - kCommSms); }
  /// Exposed seconds of a pipelined reduce-scatter of `comm_s` after a GEMM of `gemm_s`.
  static double pipeline(double comm_s, double gemm_s) {
    return comm_s / kPipelineSplits + std::max(0.0, comm_s * (kPipelineSplits - 1) / kPipelineSplits - gemm_s);
  }
};

/// HBM traffic eager PyTorch adds to a Llama block over the fused kernels the rest of this file costs (one kernel per
/// op; torchtitan/models/llama/model.py at the 2024 benchmark commits, `compile = false`), per pass:
///  - RoPE on Q and K in complex fp32: x.float() (read 2, write 4), the complex product (4, 4), type_as (4, 2):
///    20 bytes per element forward, the same backward; fused RoPE runs inside the QKV epilogue or attention.
///  - SwiGLU as F.silu(w1(x)) * w3(x): silu (2, 2) and the product (4, 2) forward, 10 bytes per FFN element against
///    the fused 6; backward the product (read 2 + 4, write 4) and silu (read 4, write 2), 16 against 8.
///  - eager RMSNorm (unless a fused norm kernel runs): x.float() (2, 4), pow (4, 4), mean (4), x * rsqrt (4, 4),
///    type_as (4, 2), * weight (2, 2): 36 bytes forward against 4; autograd through the same chain about 64 backward
///    against 10.
///  - the loss: logits.float() (2, 4) then log_softmax (4, 4) forward; backward nll (4), log_softmax (4 + 4, 4) and
///    the cast (4, 2): 18 and 22 bytes per logit against the fused 14 and 6 (output_layer_cost adds it).
void add_eager_elementwise(const LayerContext& ctx, PassCost& f, PassCost& b, double tokens, double elem_tokens) {
  const auto& m = ctx.job->model;
  const double t = ctx.job->parallelism.tp;
  const double d = m.head_dim > 0 ? m.head_dim : static_cast<double>(m.hidden) / m.heads;
  const double rope = tokens * (m.heads + m.kv_heads) * d / t;
  add_memory(f, *ctx.gemm, rope * 20);
  add_memory(b, *ctx.gemm, rope * 20);
  if (m.gated_mlp && !m.is_moe()) {
    const double ffn = tokens * m.ffn_hidden / t;
    add_memory(f, *ctx.gemm, ffn * (10 - 6));
    add_memory(b, *ctx.gemm, ffn * (16 - 8));
  }
  if (!ctx.job->software.fused_norm) {
    const double norm = 2 * elem_tokens * m.hidden;  // two norms per block
    add_memory(f, *ctx.gemm, norm * (36 - 4));
    add_memory(b, *ctx.gemm, norm * (64 - 10));
  }
}

}  // namespace

LayerCost transformer_layer_cost(const LayerContext& ctx) {
  const auto& m = ctx.job->model;
  const auto& p = ctx.job->parallelism;
  const auto& sw = ctx.job->software;
  const hw::GemmModel& gemm = *ctx.gemm;
  const GemmAdder add = make_adder(ctx);
  const double t = p.tp;
  const double tokens = static_cast<double>(p.micro_batch) * m.seq_len / p.cp;  // rows of every GEMM
  const double h = m.hidden;
  const double d = m.head_dim > 0 ? m.head_dim : h / m.heads;
  const double q_width = m.heads * d;
  const double kv_width = m.kv_heads * d;
  // Norms, residual adds and dropout run on the full sequence on every TP rank, or on 1/t of it with SP.
  const double elem_tokens = p.sequence_parallel ? tokens / t : tokens;
  const double mask = sw.dropout ? 1.0 : 0.0;
  // FP8 recipes cast the block input on each rank's sequence shard and gather it in FP8 (TE's Linear with sequence
  // parallelism; torchao's Float8ColwiseParallel with PrepareFloat8ModuleInput in torchtitan): half the bytes. The
  // reduce-scatters carry 16-bit GEMM outputs.
  const double gather_bytes = ctx.job->precision == Precision::fp8 ? 1.0 : kActBytes;
  const Boundary boundary = tp_boundary(ctx, tokens, gather_bytes);
  // TE's userbuffers need sequence parallelism and a TP group inside one NVLink domain.
  const bool overlap = sw.tp_comm_overlap && p.sequence_parallel && p.tp > 1 && p.tp <= ctx.cluster->gpus_per_node;
  const TpOverlap ub{static_cast<double>(ctx.cluster->gpu.sm_count)};
  // Batch-first activations: every sequence-parallel collective also reads and writes the whole gathered tensor once
  // (TrainingSoftware::activation_layout). Four per layer each pass: the two blocks' gathers and scatters (or their
  // conjugates backward).
  const bool relayout =
      sw.activation_layout == workloads::ActivationLayout::batch_first && p.sequence_parallel && p.tp > 1;
  // Read and write of one block's gathered input, and of its scattered output.
  const double gather_copy_bytes = relayout ? tokens * h * gather_bytes * 2 : 0.0;
  const double scatter_copy_bytes = relayout ? tokens * h * kActBytes * 2 : 0.0;
  const double relayout_s = relayout ? gemm.memory_time_s(2 * (gather_copy_bytes + scatter_copy_bytes)) : 0.0;

  LayerCost cost;
  PassCost& f = cost.forward;
  PassCost& b = cost.backward;
  f.compute_s += relayout_s;
  b.compute_s += relayout_s;

  // --- attention block ---
  add_memory(f, gemm, elem_tokens * h * (2 + 2));  // input norm: read x, write y
  const GemmShape qkv{tokens, (q_width + 2 * kv_width) / t, h};
  // With sequence parallelism the gathered operands (the inputs of QKV and FC1, the output gradients of proj and
  // FC2) are cast on this rank's 1/tp shard and gathered in fp8 (TE's fp8_buf).
  const double sp_cast = p.sequence_parallel ? 1.0 / t : 1.0;
  const double qkv_s = add.forward(f, qkv, sp_cast);
  const PassCost attn_fwd = attention_core(ctx, cost);
  const GemmShape proj{tokens, h, q_width / t};
  const double proj_s = add.forward(f, proj);
  add_memory(f, gemm, elem_tokens * h * (2 + 2 + 2 + mask));  // bias + dropout + residual add
  if (overlap) {
    f.tp_comm_s += TpOverlap::ring(boundary.all_gather_s, qkv_s) + TpOverlap::pipeline(boundary.reduce_scatter_s, proj_s);
    f.compute_s += ub.sm_loss(proj_s);
  } else {
    f.tp_comm_s += boundary.total_s();
  }

  // --- MLP block ---
  add_memory(f, gemm, elem_tokens * h * (2 + 2));  // post-attention norm
  const double up_mult = m.gated_mlp ? 2.0 : 1.0;
  // Forward GEMM seconds of the MLP (dense), and of its even-numbered matmuls, for per-op recompute.
  double mlp_gemm_s = 0;
  double mlp_even_gemm_s = 0;
  if (m.is_moe()) {
    // Tokens this rank routes: all of the micro-batch's when the experts are split over tp (each tp rank holds
    // every token's slice), its own sequence-parallel 1/tp when they are folded into expert parallelism.
    const bool folded = p.experts_folded();
    const double moe_tokens = folded ? tokens / t : tokens;
    const double et = p.expert_tp();
    // Token-expert pairs this rank computes, balanced routing, padded to capacity when there is one.
    const double routed = moe_tokens * m.expert_slots_per_token();
    const double local_experts = static_cast<double>(m.experts) / p.ep;
    const double per_expert = routed / local_experts;
    add.forward(f, GemmShape{moe_tokens, static_cast<double>(m.experts), h});  // router
    if (sw.moe_dispatch == workloads::MoeDispatch::permute) {
      // Token permutation (Megatron-Core's fused permute and unpermute): forward, each routed copy is gathered
      // into expert order (read and written, 16-bit) and, after the experts, scattered back and summed into its
      // token's output (the routed outputs read, the tokens written); backward runs the two in reverse.
      const double permute_bytes = (routed * 2 + routed + moe_tokens) * h * kActBytes;
      add_memory(f, gemm, permute_bytes);
      add_memory(b, gemm, permute_bytes);
    }
    if (sw.moe_dispatch == workloads::MoeDispatch::einsum) {
      // One-hot masks over each sequence's capacity slots: dispatch [slots x seq] x [seq x h] and combine
      // [seq x slots] x [slots x h], per sequence on this rank. Backward needs only the activations' gradients (the
      // masks are constants): one GEMM each, of the same size.
      const double seq = static_cast<double>(m.seq_len) / p.cp;
      const double sequences = tokens / seq;
      const double slots = seq * m.expert_slots_per_token();
      for (const GemmShape& g : {GemmShape{slots, h, seq, sequences}, GemmShape{seq, h, slots, sequences}}) {
        add.forward(f, g);
        add.forward(b, g);
      }
    }
    const GemmShape up{per_expert, up_mult * m.expert_ffn_hidden / et, h, local_experts};
    const GemmShape down{per_expert, h, m.expert_ffn_hidden / et, local_experts};
    add.forward(f, up);
    add_memory(f, gemm, routed * m.expert_ffn_hidden / et * (up_mult * 2 + 2));  // activation
    add.forward(f, down);
    add.backward(b, down);
    add_memory(b, gemm, routed * m.expert_ffn_hidden / et * (up_mult * 2 + 2 + 2));
    add.backward(b, up);
    add.backward(b, GemmShape{moe_tokens, static_cast<double>(m.experts), h});
    // Shared experts: a dense MLP every token runs on its own rank, split over TP as the attention is.
    if (m.shared_experts > 0) {
      const GemmShape shared_up{tokens, up_mult * m.shared_ffn() / t, h};
      const GemmShape shared_down{tokens, h, m.shared_ffn() / t};
      add.forward(f, shared_up);
      add_memory(f, gemm, tokens * m.shared_ffn() / t * (up_mult * 2 + 2));
      add.forward(f, shared_down);
      add.backward(b, shared_down);
      add_memory(b, gemm, tokens * m.shared_ffn() / t * (up_mult * 2 + 2 + 2));
      add.backward(b, shared_up);
    }
    // Dispatch and combine: the routed tokens forward, and their gradients backward.
    const double exchange = expert_exchange_s(ctx, moe_tokens);
    f.ep_comm_s += exchange;
    b.ep_comm_s += exchange;
    // The sequence-parallel gather before the MLP and scatter after it (userbuffers cover the dense GEMMs only):
    // folded experts take the tokens where they are, so only shared experts need them gathered.
    if (!folded || m.shared_experts > 0) {
      f.tp_comm_s += boundary.total_s();
      b.tp_comm_s += boundary.total_s();
    }
  } else {
    const GemmShape up{tokens, up_mult * m.ffn_hidden / t, h};
    const GemmShape down{tokens, h, m.ffn_hidden / t};
    const double up_s = add.forward(f, up, sp_cast);
    add_memory(f, gemm, tokens * m.ffn_hidden / t * (up_mult * 2 + 2));  // fused bias + activation
    const double down_s = add.forward(f, down);
    mlp_gemm_s = up_s + down_s;
    // Llama's MLP runs w1, w3 (fused here as `up`), then w2: the 6th matmul of the block, w3, is even; without a
    // gate the MLP's matmuls are w1 (5th) and w2 (6th).
    mlp_even_gemm_s = m.gated_mlp ? up_s / 2 : down_s;
    const auto [down_dgrad_s, down_wgrad_s] = add.backward(b, down, sp_cast);
    add_memory(b, gemm, tokens * m.ffn_hidden / t * (up_mult * 2 + 2 + 2));
    const auto [up_dgrad_s, up_wgrad_s] = add.backward(b, up);
    if (overlap) {
      f.tp_comm_s += TpOverlap::ring(boundary.all_gather_s, up_s) + TpOverlap::pipeline(boundary.reduce_scatter_s, down_s);
      f.compute_s += ub.sm_loss(down_s);
      b.tp_comm_s += TpOverlap::ring(boundary.all_gather_s, down_dgrad_s) +
                     std::max(0.0, boundary.reduce_scatter_s - up_wgrad_s);
      b.compute_s += ub.sm_loss(up_wgrad_s);
    } else {
      f.tp_comm_s += boundary.total_s();
      b.tp_comm_s += boundary.total_s();  // the conjugate operators of the forward boundary
    }
  }
  add_memory(f, gemm, elem_tokens * h * (2 + 2 + 2 + mask));  // bias + dropout + residual add

  // --- backward of the rest of the block (MLP part was added above) ---
  add_memory(b, gemm, elem_tokens * h * (2 + 2 + mask + 2));  // residual/dropout backward
  add_memory(b, gemm, elem_tokens * h * (2 + 2 + 2 + 4));     // norm backward (reads x, dy; writes dx; dgamma)
  const double proj_dgrad_s = add.backward(b, proj, sp_cast).first;
  const double qkv_wgrad_s = add.backward(b, qkv).second;
  add_memory(b, gemm, elem_tokens * h * (2 + 2 + mask + 2));
  add_memory(b, gemm, elem_tokens * h * (2 + 2 + 2 + 4));
  if (overlap) {
    b.tp_comm_s += TpOverlap::ring(boundary.all_gather_s, proj_dgrad_s) +
                   std::max(0.0, boundary.reduce_scatter_s - qkv_wgrad_s);
    b.compute_s += ub.sm_loss(qkv_wgrad_s);
  } else {
    b.tp_comm_s += boundary.total_s();  // the conjugate operators of the attention block's boundary
  }

  if (workloads::repeats_kv_heads(sw.attention) && m.kv_heads < m.heads) {
    // repeat_kv: K and V are copied out to every query head before SDPA (torchtitan model.py; SDPA then had no GQA
    // mode), and backward sums the copies back: per token, read kv and write q width twice forward, the reverse
    // twice backward, 16-bit.
    const double copy = tokens * (q_width + kv_width) / t * kActBytes * 2;
    add_memory(f, gemm, copy);
    add_memory(b, gemm, copy);
  }
  if (!sw.fused_elementwise) add_eager_elementwise(ctx, f, b, tokens, elem_tokens);

  // This rank's weights of the layer (its local experts for a MoE).
  // Folded experts are whole on the rank: their share is not divided by tp below, so scale it up by tp / etp.
  const double moe_mult = m.is_moe() ? static_cast<double>(m.experts) / p.ep * m.expert_ffn_hidden * (t / p.expert_tp()) +
                                           m.shared_ffn()
                                     : m.ffn_hidden;
  const double weights = (h * (q_width + 2 * kv_width) + q_width * h + (up_mult + 1) * h * moe_mult) / t;
  if (!sw.grad_accumulation_fusion) {
    // main_grad.add_(grad): read the 16-bit gradient and the fp32 buffer, write the buffer, per weight.
    add_memory(b, gemm, weights * (2 + 4 + 4));
  }

  switch (p.recompute) {
    case Recompute::none: break;
    case Recompute::selective_layer: {
      // Every other layer is checkpointed whole: on average half a forward pass per layer.
      PassCost half = f;
      half.compute_s *= 0.5;
      half.tp_comm_s *= 0.5;
      half.cp_comm_s *= 0.5;
      half.ep_comm_s *= 0.5;
      half.flops *= 0.5;
      cost.recompute += half;
      break;
    }
    case Recompute::selective_op: {
      // Everything but attention and the odd-numbered matmuls (wq, wv, w1, w2) runs again: the memory-bound ops
      // (and FP8 casts), plus wk (the K share of the fused QKV GEMM), wo and w3. Reduce-scatter outputs are saved
      // (torchtitan's _save_list holds reduce_scatter_tensor), all-gather outputs are not.
      const double gemm_s = qkv_s + proj_s + mlp_gemm_s;
      const double memory_s = std::max(0.0, f.compute_s - relayout_s - attn_fwd.compute_s - gemm_s);
      const double k_share = kv_width / (q_width + 2 * kv_width);
      const double even_s = qkv_s * k_share + proj_s + mlp_even_gemm_s;
      PassCost again;
      again.compute_s = memory_s + even_s;
      again.flops = gemm_s > 0 ? (f.flops - attn_fwd.flops) * even_s / gemm_s : 0;
      // The save list has no all_gather_into_tensor: with sequence parallelism both blocks' input gathers run again
      // (beside wk and w3 when TP overlaps them), and with batch-first activations so do their copies.
      if (p.sequence_parallel && p.tp > 1) {
        again.tp_comm_s += overlap ? TpOverlap::ring(boundary.all_gather_s, qkv_s * k_share) +
                                         TpOverlap::ring(boundary.all_gather_s, mlp_even_gemm_s)
                                   : 2 * boundary.all_gather_s;
        if (relayout) add_memory(again, gemm, 2 * gather_copy_bytes);
      }
      cost.recompute += again;
      break;
    }
    case Recompute::selective:
      // Only the attention core is recomputed; with flash attention it is already recomputed inside its backward
      // kernel, so selective recompute adds nothing (Megatron-Core behaviour).
      if (sw.attention == AttentionKernel::unfused) cost.recompute += attn_fwd;
      break;
    case Recompute::full: cost.recompute += f; break;
  }
  // After the recompute above: a recomputed forward uses the parameters its backward gathered and copied.
  add_zero3_copy_out(ctx, cost, weights);
  return cost;
}

LayerCost embedding_cost(const LayerContext& ctx) {
  const auto& m = ctx.job->model;
  const auto& p = ctx.job->parallelism;
  const double tokens = static_cast<double>(p.micro_batch) * m.seq_len / p.cp;
  LayerCost cost;
  // Gather rows of the (vocab-sharded) table, then reduce the partial rows across TP.
  add_memory(cost.forward, *ctx.gemm, tokens * m.hidden * (2 + 2));
  cost.forward.tp_comm_s += tp_boundary_s(ctx, tokens) * (p.sequence_parallel ? 0.5 : 1.0);
  add_memory(cost.backward, *ctx.gemm, tokens * m.hidden * (2 + 4 + 4));  // scatter-add into fp32 grad rows
  add_zero3_copy_out(ctx, cost, static_cast<double>(m.vocab) * m.hidden / p.tp);
  return cost;
}

LayerCost output_layer_cost(const LayerContext& ctx) {
  const auto& m = ctx.job->model;
  const auto& p = ctx.job->parallelism;
  // The logits GEMM stays in 16-bit under FP8 recipes: Megatron-Core builds the output layer from its own
  // tensor_parallel.ColumnParallelLinear, outside Transformer Engine's fp8_autocast, and torchtitan's Float8
  // conversion skips the "output" module by default.
  const bool low_precision = ctx.job->precision == Precision::fp8 || ctx.job->precision == Precision::fp4;
  const GemmAdder add = low_precision ? GemmAdder{*ctx.gemm, Precision::bf16, kActBytes, 0.0} : make_adder(ctx);
  const double tokens = static_cast<double>(p.micro_batch) * m.seq_len / p.cp;
  const double vocab_shard = static_cast<double>(m.vocab) / p.tp;
  const double elem_tokens = p.sequence_parallel ? tokens / p.tp : tokens;
  LayerCost cost;
  add_memory(cost.forward, *ctx.gemm, elem_tokens * m.hidden * (2 + 2));  // final norm
  if (p.sequence_parallel && p.tp > 1) {
    cost.forward.tp_comm_s +=
        ctx.collectives->time_s(CollectiveOp::all_gather, tokens * m.hidden * kActBytes, ctx.tp_group);
  }
  const GemmShape logits{tokens, vocab_shard, static_cast<double>(m.hidden)};
  add.forward(cost.forward, logits);
  // Vocab-parallel cross-entropy in fp32: upcast, max, exp-sum, loss; backward writes the softmax gradient.
  add_memory(cost.forward, *ctx.gemm, tokens * vocab_shard * (2 + 4 + 4 + 4));
  add_memory(cost.backward, *ctx.gemm, tokens * vocab_shard * (4 + 2));
  if (!ctx.job->software.fused_elementwise) {  // eager: see add_eager_elementwise
    add_memory(cost.forward, *ctx.gemm, tokens * vocab_shard * (18 - 14));
    add_memory(cost.backward, *ctx.gemm, tokens * vocab_shard * (22 - 6));
  }
  add.backward(cost.backward, logits);
  if (p.tp > 1) {
    cost.forward.tp_comm_s += 3 * ctx.collectives->time_s(CollectiveOp::all_reduce, tokens * 4.0, ctx.tp_group);
    cost.backward.tp_comm_s += tp_boundary_s(ctx, tokens) * (p.sequence_parallel ? 0.5 : 1.0);
  }
  add_zero3_copy_out(ctx, cost, vocab_shard * m.hidden);
  return cost;
}

}  // namespace capsim::sim
