#include "sim/analytical/training_memory.hpp"

#include <algorithm>

#include "sim/analytical/pipeline_schedule.hpp"
#include "sim/core/units.hpp"

namespace capsim::sim {

using workloads::AttentionKernel;
using workloads::Recompute;

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
/// CUDA context, cuBLAS/cuDNN workspaces and NCCL channel buffers: about 2 GiB per GPU in Megatron-LM runs
/// (nvidia-smi minus PyTorch's reserved memory); an estimate, not a measurement of ours.
constexpr double kRuntimeOverhead_B = 2.0 * kGiB;
/// Caching-allocator fragmentation on activations (PyTorch's reserved/allocated ratio in steady state).
constexpr double kFragmentation = 0.08;

double head_dim(const workloads::TransformerModel& m) {
  return m.head_dim > 0 ? m.head_dim : static_cast<double>(m.hidden) / m.heads;
}

struct LayerParams {
  double dense = 0;
  double expert = 0;
};

/// Parameters of one transformer layer held by one GPU.
LayerParams layer_params(const workloads::TrainingJob& job) {
  const auto& m = job.model;
  const auto& p = job.parallelism;
  const double h = m.hidden;
  const double d = head_dim(m);
  const double up_mult = m.gated_mlp ? 2.0 : 1.0;
  LayerParams lp;
  lp.dense = (h * (m.heads + 2.0 * m.kv_heads) * d + m.heads * d * h) / p.tp + 2 * h;
  if (m.is_moe()) {
    lp.dense += h * m.experts + (up_mult + 1) * h * m.shared_ffn() / p.tp;  // router, shared experts
    lp.expert = static_cast<double>(m.experts) / p.ep * (up_mult + 1) * h * m.expert_ffn_hidden / p.expert_tp();
  } else {
    lp.dense += (up_mult + 1) * h * m.ffn_hidden / p.tp;
  }
  return lp;
}

/// Activation bytes one layer holds while its backward runs under full recompute (the recomputed forward).
double full_layer_working_set(const workloads::TrainingJob& job) {
  workloads::TrainingJob kept = job;
  kept.parallelism.recompute = Recompute::selective;
  return layer_activation_bytes(kept);
}

}  // namespace

/// Activation bytes one layer keeps for backward, per micro-batch (Korthikanti et al. 2022, Sec. 4, generalized to
/// GQA, gated MLPs, MoE and flash attention).
double layer_activation_bytes(const workloads::TrainingJob& job) {
  const auto& m = job.model;
  const auto& p = job.parallelism;
  const double t = p.tp;
  const double tokens = static_cast<double>(p.micro_batch) * m.seq_len / p.cp;
  const double h = m.hidden;
  const double d = head_dim(m);
  const double sp = p.sequence_parallel ? 1.0 / t : 1.0;
  const double mask = job.software.dropout ? 1.0 : 0.0;
  if (p.recompute == Recompute::full) return 2.0 * tokens * h * sp;  // the layer input only
  if (p.recompute == Recompute::selective_layer) {
    // Every other layer keeps only its input, the others everything.
    workloads::TrainingJob kept = job;
    kept.parallelism.recompute = Recompute::none;
    return 0.5 * (2.0 * tokens * h * sp + layer_activation_bytes(kept));
  }
  if (p.recompute == Recompute::selective_op && !m.is_moe()) {
    // Saved: the layer input, the outputs of wq, wv, w1 and w2 (odd-numbered matmuls), and flash attention's
    // output and log-sum-exp (torchtitan's per-op policy); everything else is recomputed.
    // Without a gate the MLP's matmuls are the 5th (w1, saved) and 6th (w2, recomputed).
    const double w2_out = m.gated_mlp ? 2.0 * tokens * h * sp : 0.0;
    return 2.0 * tokens * h * sp + 2.0 * tokens * (2.0 * m.heads + m.kv_heads) * d / t +
           2.0 * tokens * m.ffn_hidden / t + w2_out + 4.0 * tokens * m.heads / t;
  }

  double bytes = 0;
  bytes += tokens * h * sp * (2 + 2 + mask + 2 + 2 + mask);  // norm inputs, GEMM inputs, dropout masks
  bytes += 2.0 * tokens * (m.heads + 2.0 * m.kv_heads) * d / t;  // Q, K, V
  bytes += 2.0 * tokens * m.heads * d / t;                       // attention output (projection input)
  if (job.software.attention != AttentionKernel::unfused) {
    bytes += 4.0 * tokens * m.heads / t;  // softmax log-sum-exp
  } else if (p.recompute == Recompute::none) {
    const double scores = p.micro_batch * (m.heads / t) * (static_cast<double>(m.seq_len) / p.cp) * m.seq_len;
    bytes += scores * (2 + 2 + mask);  // scores, probabilities, dropout mask
  }
  const double up_mult = m.gated_mlp ? 2.0 : 1.0;
  const double ffn = m.is_moe() ? m.expert_ffn_hidden : m.ffn_hidden;
  const double routed = m.is_moe() ? tokens * m.expert_slots_per_token() : tokens;
  bytes += routed * ffn / t * (2 * up_mult + 2);  // MLP up output and activation output
  // Dispatched tokens and their permuted copies: folded experts dispatch only this rank's 1/tp of the tokens.
  if (m.is_moe()) bytes += routed * h * 2.0 * 2 / (p.experts_folded() ? t : 1.0);
  bytes += tokens * m.shared_ffn() / t * (2 * up_mult + 2);  // shared experts' up output and activation output
  return bytes;
}

StageParameters stage_parameters(const workloads::TrainingJob& job) {
  const auto& m = job.model;
  const auto& p = job.parallelism;
  const LayerSplit split = split_layers(m.layers, p.pp);
  const LayerParams lp = layer_params(job);
  const double embedding = static_cast<double>(m.vocab) * m.hidden / p.tp;
  StageParameters best;
  const int candidates[] = {0, p.pp - 1, p.pp / 2};
  for (int stage : candidates) {
    const double layers = split.layers_on(stage);
    StageParameters sp;
    sp.dense = layers * lp.dense;
    sp.expert = layers * lp.expert;
    if (stage == 0) sp.dense += embedding;
    if (stage == p.pp - 1) sp.dense += embedding * ((p.pp > 1 || !m.tied_embeddings) ? 1.0 : 0.0) + m.hidden;
    if (sp.total() > best.total()) best = sp;
  }
  return best;
}

MemoryBreakdown training_memory(const workloads::TrainingJob& job) {
  const auto& m = job.model;
  const auto& p = job.parallelism;
  const double dp_shards = static_cast<double>(p.dp) * p.cp;
  const double param_bytes = 2.0;  // bf16 weights (FP8 recipes keep bf16 weights and cast per GEMM)
  const double grad_bytes = hw::bytes_per_element(job.software.grad_reduce);
  const LayerSplit split = split_layers(m.layers, p.pp);
  const LayerParams lp = layer_params(job);
  const double per_layer = layer_activation_bytes(job);
  const bool recomputes_layers = p.recompute == Recompute::full || p.recompute == Recompute::selective_layer ||
                                 p.recompute == Recompute::selective_op;
  const double working_set = recomputes_layers ? full_layer_working_set(job) : 0.0;
  const double tokens = static_cast<double>(p.micro_batch) * m.seq_len / p.cp;
  const double embedding = static_cast<double>(m.vocab) * m.hidden / p.tp;
  const double sp = p.sequence_parallel ? 1.0 / p.tp : 1.0;

  // The peak is on stage 0 (embedding, the deepest warm-up), on the first stage that carries an extra layer (a
  // warm-up nearly as deep under interleaving), or on the last stage (output layer and logits); each is costed
  // with its own layers, parameters and micro-batches in flight.
  int max_stage = 0;
  while (max_stage + 1 < p.pp && split.layers_on(max_stage) < split.max_layers()) ++max_stage;
  const int candidates[] = {0, max_stage, p.pp - 1};
  MemoryBreakdown best;
  for (int stage : candidates) {
    const double layers = split.layers_on(stage);
    const double in_flight = in_flight_micro_batches(p.pp, p.virtual_stages, p.micro_batches(), stage);
    double dense = layers * lp.dense;
    // Offloaded layers keep their saved activations in host memory; one layer's staging buffer stays.
    const double offloaded = std::min<double>(job.software.activation_offload_layers, layers);
    double activations = in_flight * (layers - offloaded) * per_layer + (offloaded > 0 ? per_layer : 0.0) + working_set;
    if (stage == 0) {
      dense += embedding;
      // The embedding output is the first layer's input, already counted there; stage 0 adds the int64 token
      // ids and the embedding dropout mask of each micro-batch in flight (Megatron-LM theoretical_memory_usage).
      activations += in_flight * tokens * (8.0 + (job.software.dropout ? m.hidden * sp : 0.0));
    }
    if (stage == p.pp - 1) {
      dense += embedding * ((p.pp > 1 || !m.tied_embeddings) ? 1.0 : 0.0) + m.hidden;
      // Logits of the micro-batch whose loss is computed: bf16 output and its fp32 copy for the cross-entropy.
      activations += tokens * static_cast<double>(m.vocab) / p.tp * (4.0 + 2.0);
    }
    // ZeRO shards the dense parameters over the dp x cp replicas and the experts over the ranks holding the same
    // expert shard (Megatron-Core's expert data-parallel group): dp x cp / ep, or a stage's ranks / ep when folded.
    const double experts = layers * lp.expert;
    const double expert_shards = std::max(1, p.expert_data_parallel());
    auto per_gpu = [&](bool sharded) { return sharded ? dense / dp_shards + experts / expert_shards : dense + experts; };
    MemoryBreakdown mem;
    // Mixed-precision Adam: fp32 master weights, momentum and variance (12 bytes per parameter).
    mem.weights_B = per_gpu(p.zero >= 3) * param_bytes;
    mem.gradients_B = per_gpu(p.zero >= 2) * grad_bytes;
    mem.optimizer_B = per_gpu(p.zero >= 1) * 12.0;
    mem.activations_B = activations;
    mem.buffers_B = kRuntimeOverhead_B + kFragmentation * activations;
    if (mem.total_B() > best.total_B()) best = mem;
  }
  return best;
}

std::vector<std::string> memory_advice(const workloads::TrainingJob& job, double capacity_B) {
  struct Option {
    std::string label;
    workloads::TrainingJob job;
  };
  std::vector<Option> options;
  const auto& p = job.parallelism;
  const auto& m = job.model;
  auto add = [&](std::string label, auto&& change) {
    workloads::TrainingJob j = job;
    change(j.parallelism);
    options.push_back({std::move(label), std::move(j)});
  };
  if (p.zero < 3) add("zero: " + std::to_string(p.zero + 1), [](auto& q) { q.zero += 1; });
  if (p.recompute != Recompute::full) {
    add(std::string("recompute: \"") + (p.recompute == Recompute::none ? "selective" : "full") + "\"",
        [](auto& q) { q.recompute = q.recompute == Recompute::none ? Recompute::selective : Recompute::full; });
  }
  if (p.micro_batch > 1) add("micro_batch: " + std::to_string(p.micro_batch / 2), [](auto& q) { q.micro_batch /= 2; });
  const std::string cost = p.dp >= 2 ? " (dp halves)" : " (twice the GPUs)";
  if (m.heads % (p.tp * 2) == 0) add("tp: " + std::to_string(p.tp * 2) + cost, [](auto& q) {
      q.tp *= 2;
      q.dp = std::max(1, q.dp / 2);
    });
  if (p.pp * 2 <= m.layers) add("pp: " + std::to_string(p.pp * 2) + cost, [](auto& q) {
      q.pp *= 2;
      q.dp = std::max(1, q.dp / 2);
    });
  if (!p.sequence_parallel && p.tp > 1) add("sequence_parallel: true", [](auto& q) { q.sequence_parallel = true; });

  std::vector<std::string> advice;
  for (const auto& o : options) {
    const double need = training_memory(o.job).total_B();
    if (need <= capacity_B) advice.push_back(o.label + " -> " + units::format_bytes(need) + " per GPU");
  }
  return advice;
}

}  // namespace capsim::sim
