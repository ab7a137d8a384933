#pragma once
/// @file transformer.hpp
/// A decoder-only transformer (dense or mixture-of-experts) and how a training job spreads it over GPUs.

#include <string>

#include "models/hardware/precision.hpp"

namespace capsim::workloads {

/// Architecture of a decoder-only transformer.
struct TransformerModel {
  std::string name;
  int layers = 0;
  int hidden = 0;      ///< model width h
  int ffn_hidden = 0;  ///< MLP inner width (per expert for MoE: see expert_ffn_hidden)
  int heads = 0;       ///< attention (query) heads
  int kv_heads = 0;    ///< key/value heads (GQA); == heads for multi-head attention
  int head_dim = 0;    ///< per-head width; hidden / heads unless the model says otherwise
  long long vocab = 0;
  int seq_len = 0;          ///< training sequence length, tokens
  bool gated_mlp = false;   ///< SwiGLU-style MLP with three matrices
  bool tied_embeddings = false;
  int experts = 0;            ///< 0 or 1: dense; >1: MoE with this many routed experts per layer
  int top_k = 0;              ///< experts each token is routed to
  int expert_ffn_hidden = 0;  ///< MLP inner width of one expert
  /// 0: dropless routing (every routed token is computed; Megatron-Core's default). Above 0: each expert takes at
  /// most capacity_factor x its balanced share of the routed tokens and is padded to that capacity, so it computes
  /// and exchanges capacity_factor x the routed tokens (GShard; Switch Transformer; Megatron-Core's
  /// `--moe-expert-capacity-factor` with `--moe-pad-expert-input-to-capacity`; MaxText's `capacity_factor`).
  double capacity_factor = 0;
  /// Experts every token passes through besides its routed ones, each shared_expert_ffn_hidden wide (DeepSeek-MoE's
  /// shared experts, Qwen2-MoE's shared expert): computed on the token's own rank, never dispatched. 0: none.
  int shared_experts = 0;
  int shared_expert_ffn_hidden = 0;  ///< inner width of one shared expert (expert_ffn_hidden unless given)
  /// Group-limited routing: the routed experts fall into router_groups equal groups, and each token first picks
  /// router_group_topk groups, then its top_k experts inside them (DeepSeek-V3's node-limited routing, n_group 8 and
  /// topk_group 4; Megatron-Core's `--moe-router-num-groups` and `--moe-router-group-topk`). With groups laid out one
  /// or more per node, a token reaches at most router_group_topk nodes. 0: every expert is open to every token.
  int router_groups = 0;
  int router_group_topk = 0;

  bool is_moe() const { return experts > 1; }
  /// Inner width of all shared experts together: a dense MLP every token runs beside the routed experts.
  double shared_ffn() const { return static_cast<double>(shared_experts) * shared_expert_ffn_hidden; }
  /// Token-expert slots an expert layer computes per token: top_k, padded to capacity when capacity_factor is set.
  double expert_slots_per_token() const { return capacity_factor > 0 ? capacity_factor * top_k : top_k; }
  /// Total parameters (all experts), counting the embedding and, unless tied, the output layer.
  double parameters() const;
  /// Parameters a token passes through (top_k experts only).
  double active_parameters() const;
};

/// Activation recomputation policy.
enum class Recompute {
  none,       ///< keep every activation
  selective,  ///< recompute attention scores/softmax only (Korthikanti et al. 2022)
  full,       ///< keep only each layer's input; recompute the layer's forward pass in backward
  /// torchtitan's per-layer selective checkpointing at its default frequency (`selective_ac_option = "2"`): every
  /// other layer is checkpointed whole (as `full`), the others keep everything (as `none`).
  selective_layer,
  /// torchtitan's per-op selective checkpointing (torchtitan/models/llama/parallelize_llama.py, `_save_list` and
  /// `_custom_policy`): the outputs of flash attention and of every odd-numbered matmul of a layer are saved; every
  /// other op (norms, RoPE, SwiGLU, residual adds, casts) and every even-numbered matmul (wk, wo, w3 of a Llama
  /// block) is recomputed in backward.
  selective_op,
};

/// How attention is computed.
enum class AttentionKernel {
  flash,    ///< fused, IO-aware (FlashAttention): no s x s tensor in HBM; causal blocks skipped
  unfused,  ///< QK^T and AV as batched GEMMs, with softmax/dropout on the s x s scores in HBM (Megatron 2021)
  /// FlashAttention-2 as PyTorch's SDPA flash backend runs it (torchtitan on A100/H100/H200): an Ampere-era kernel
  /// without Hopper's wgmma and TMA, so on sm90 it reaches about half of cuDNN's or FlashAttention-3's rate
  /// (GpuSpec::flash2_fwd_efficiency).
  flash2,
  /// FlashAttention's experimental Triton kernel (flash_attn_triton.py, written for the pre-MLIR Triton of 2022) as
  /// MosaicML llm-foundry's `attn_impl: triton` ran it in 2023: by its own notes its forward plus backward is
  /// slightly slower than FlashAttention (v1) in CUDA, which FlashAttention-2 runs about twice as fast (Dao 2023),
  /// so it runs at half of FlashAttention-2's rate on the same GPU. K and V are repeated to every query head.
  triton,
};

/// Whether the attention kernel takes K and V already repeated to every query head (PyTorch-level kernels without a
/// grouped-query mode: SDPA's FlashAttention-2 as torchtitan calls it, llm-foundry's Triton kernel).
inline bool repeats_kv_heads(AttentionKernel k) { return k == AttentionKernel::flash2 || k == AttentionKernel::triton; }

/// Parallel layout of a training job.
struct Parallelism {
  int tp = 1;  ///< tensor parallel
  int pp = 1;  ///< pipeline stages
  int cp = 1;  ///< context parallel
  int dp = 1;  ///< data parallel
  int ep = 1;  ///< expert parallel (inside the dp x cp group, or tp x dp x cp when the experts are folded: etp)
  /// Expert tensor parallel: 0 (the default) splits each expert over the tp ranks as the dense layers are, and
  /// expert parallelism runs inside dp x cp. 1 keeps every expert whole and lets ep span the tensor-parallel ranks
  /// too (Megatron-Core's MoE parallel folding, `--expert-tensor-parallel-size 1`): each rank dispatches its own
  /// sequence-parallel 1/tp of the tokens, and the experts need no tensor-parallel gather or scatter.
  int etp = 0;
  int micro_batch = 1;
  int global_batch = 1;
  int virtual_stages = 1;  ///< interleaved 1F1B chunks per stage (1 = plain 1F1B)
  bool sequence_parallel = false;
  Recompute recompute = Recompute::none;
  int zero = 0;  ///< ZeRO stage 0..3 (1 = distributed optimizer)

  int gpus() const { return tp * pp * cp * dp; }
  /// Ranks each expert is split over: tp, or 1 when the experts are folded into expert parallelism.
  int expert_tp() const { return etp > 0 ? etp : tp; }
  /// Experts are whole on each rank and ep spans tensor-parallel ranks (etp 1 under tp > 1).
  bool experts_folded() const { return expert_tp() < tp; }
  /// Ranks holding one copy of each expert shard, over which expert gradients are reduced: the ranks of one
  /// pipeline stage over ep x expert_tp.
  int expert_data_parallel() const { return experts_folded() ? tp * dp * cp / ep : dp * cp / ep; }
  /// Micro-batches each pipeline runs per step: global_batch / (dp x micro_batch).
  int micro_batches() const { return global_batch / (dp * micro_batch); }
};

/// How a mixture-of-experts layer moves tokens to experts (TrainingSoftware::moe_dispatch).
enum class MoeDispatch { permute, einsum };

/// How ZeRO-3 turns gathered parameters into the tensors the layers use (TrainingSoftware::zero3_gather).
enum class Zero3Gather {
  in_place,  ///< parameters are views of the gathered buffer (Megatron-FSDP, DeepSpeed ZeRO-3, FSDP1 flat params)
  copy_out,  ///< PyTorch FSDP2: the gathered buffer is copied out into each parameter's own tensor
};

/// How routed tokens travel to expert-parallel ranks on other nodes (TrainingSoftware::moe_dispatcher).
enum class MoeDispatcher {
  /// One NCCL all-to-all: every routed copy of a token goes straight to its expert's rank, in 16-bit
  /// (Megatron-Core's `alltoall` token dispatcher).
  all_to_all,
  /// DeepEP (DeepSeek, 2025; Megatron-Core's `flex` dispatcher with `--moe-enable-deepep`): a token crosses the
  /// scale-out fabric once per destination node, to the GPU of its own index there, which forwards it over the
  /// scale-up links to the experts it picked on that node; the combine returns the same way. With FP8 training the
  /// dispatch carries FP8 with one scale per 128 values, the combine stays BF16 (DeepSeek-V3 report, Sec. 3.3).
  deepep,
};

/// Order of an activation tensor's dimensions (TrainingSoftware::activation_layout).
enum class ActivationLayout {
  seq_first,    ///< [sequence, batch, hidden]: Megatron-LM and Transformer Engine
  batch_first,  ///< [batch, sequence, hidden]: PyTorch-native stacks (torchtitan's DTensor tensor parallelism)
};

/// Software choices that change cost but not the model. Defaults follow Megatron-LM.
struct TrainingSoftware {
  AttentionKernel attention = AttentionKernel::flash;
  /// Precision of gradient accumulation and of the data-parallel reduction. Megatron-LM forces fp32 for bf16
  /// training (`--accumulate-allreduce-grads-in-fp32`).
  hw::Precision grad_reduce = hw::Precision::fp32;
  bool overlap_grad_reduce = true;  ///< DP reduction overlaps the last micro-batch's backward pass
  bool overlap_param_gather = true;  ///< ZeRO-1+ all-gather overlaps the next forward pass
  bool dropout = false;              ///< dropout layers present (adds memory-bound passes and masks)
  /// Weight-gradient GEMMs accumulate straight into the fp32 gradient buffer (Megatron's
  /// --gradient-accumulation-fusion). Without it each micro-batch writes a 16-bit gradient that a separate kernel
  /// adds into the buffer: 10 bytes of HBM traffic per parameter per micro-batch (Megatron-LM 2021's DDP hook).
  bool grad_accumulation_fusion = true;
  /// Sequence-parallel all-gathers and reduce-scatters overlap the GEMMs beside them (Transformer Engine's
  /// userbuffers, `--tp-comm-overlap`); needs sequence parallelism and TP inside one node. Off, as in Megatron-Core;
  /// NVIDIA's Megatron-Bridge performance recipes turn it on.
  bool tp_comm_overlap = false;
  /// With interleaved pipelining, the send/recv of one chunk overlaps the next chunk's compute (Megatron-Core's
  /// `overlap_p2p_comm`, on by default with virtual stages); plain 1F1B keeps them on the critical path.
  bool overlap_p2p_comm = true;
  /// Element-wise chains (RoPE, SwiGLU, casts, the loss) run fused, as Transformer Engine, Megatron's fused kernels
  /// or torch.compile do. False: eager PyTorch, one kernel per op, each an HBM round trip (torchtitan with
  /// `compile = false`): RoPE in complex fp32, SiLU and the gate product apart, logits upcast to fp32.
  bool fused_elementwise = true;
  /// RMSNorm/LayerNorm is one fused kernel (TE, Apex, torchtitan's `fused_rmsnorm`, or torch.compile). False only
  /// matters with fused_elementwise false: eager RMSNorm upcasts to fp32 and runs pow, mean, rsqrt and two products
  /// as separate kernels.
  bool fused_norm = true;
  /// How routed tokens reach their experts. `permute`: tokens are sorted by expert and run through grouped GEMMs
  /// (Megatron-Core's token dispatcher, MaxText's megablox). `einsum`: one-hot dispatch and combine masks of
  /// [tokens x experts x capacity] are multiplied with the activations (GShard and Mesh-TensorFlow's formulation,
  /// MaxText's `dense_matmul` without megablox): two more GEMMs forward and two backward, each of 2 x sequence x
  /// capacity_factor x top_k x hidden FLOPs per token. Needs a capacity factor.
  MoeDispatch moe_dispatch = MoeDispatch::permute;
  /// How routed tokens reach expert-parallel ranks on other nodes.
  MoeDispatcher moe_dispatcher = MoeDispatcher::all_to_all;
  /// Where the sequence dimension sits. Sequence-parallel all-gathers and reduce-scatters split and join the
  /// sequence: `seq_first` puts it in dimension 0, so NCCL gathers into and scatters from the tensor in place
  /// (Megatron chose [s, b, h] for this). `batch_first` puts it in dimension 1, and PyTorch's functional collectives
  /// (torch/distributed/_functional_collectives.py, which DTensor's Shard(1) redistributions call) then copy the
  /// whole tensor once more per collective: torch.cat of the gathered chunks after an all-gather, of the input's
  /// chunks before a reduce-scatter.
  ActivationLayout activation_layout = ActivationLayout::seq_first;
  /// Layers per pipeline stage whose saved activations go to host memory between their forward and backward pass
  /// (Megatron-Core / Transformer Engine `cpu_offloading_num_layers`, on a side stream): they leave HBM but one layer's
  /// staging buffer, and each offloaded layer's copy out after its forward and back before its backward is hidden
  /// behind the next layer's compute as far as the GPU's host link allows. 0: none.
  int activation_offload_layers = 0;
  /// ZeRO-3's gathered parameters. `in_place`: the layers use views of the all-gather output. `copy_out`: PyTorch's
  /// FSDP2 (fully_shard, per-parameter sharding, as torchtitan runs it) copies the gathered buffer into each
  /// parameter's unsharded tensor (foreach_all_gather_copy_out, torch.ops.fsdp.split_with_sizes_copy) in
  /// wait_for_unshard, on the compute stream, before every forward and every backward use: each pass reads and
  /// writes the layer's 16-bit parameters once more. Its gradient copy-in (chunk_cat into the reduce-scatter input)
  /// runs on the reduce-scatter stream beside compute and is not charged.
  Zero3Gather zero3_gather = Zero3Gather::in_place;
};

/// One training workload of a scenario.
struct TrainingJob {
  std::string name;
  TransformerModel model;
  Parallelism parallelism;
  hw::Precision precision = hw::Precision::bf16;  ///< math precision of the GEMMs
  TrainingSoftware software;
  double tokens = 0;  ///< tokens to train on; 0 = not given
};

/// Where one token's routed copies go in one direction of the expert exchange, on an expert-parallel group of `ep`
/// ranks with `ep_per_domain` of them in each scale-up domain (node, or NVLink domain), balanced routing.
struct ExpertRoute {
  /// Copies of the token's hidden vector that cross the scale-out fabric. All-to-all: every routed copy bound for
  /// a rank outside the sender's domain. DeepEP: one per destination domain other than the sender's.
  double fabric_copies = 0;
  /// Copies moved over the scale-up links. All-to-all: the copies bound for the sender's own domain's other ranks.
  /// DeepEP: the copies the receiving GPU of each domain forwards to the rank holding the expert.
  double scale_up_copies = 0;
  /// Distinct domains the token's experts sit on (including the sender's when one of them is there).
  double domains_reached = 0;
};
ExpertRoute expert_route(const TransformerModel& m, MoeDispatcher dispatcher, int ep, int ep_per_domain);

/// Bytes per element of a token's hidden vector in the expert exchange: the dispatch leg (forward dispatch, and
/// backward the gradients sent to the experts ahead of their down-projection) and the combine leg (forward combine,
/// and backward the input gradients returned).
struct ExpertExchangeBytes {
  double dispatch = 2;
  double combine = 2;
};
ExpertExchangeBytes expert_exchange_bytes(MoeDispatcher dispatcher, hw::Precision math);

}  // namespace capsim::workloads
