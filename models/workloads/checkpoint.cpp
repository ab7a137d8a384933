#include "models/workloads/checkpoint.hpp"

#include <algorithm>

namespace capsim::workloads {

namespace {

// Megatron-LM distributed checkpoint of mixed-precision Adam: bf16 weights (2) + fp32 master weights, momentum and
// variance (12) bytes per parameter.
constexpr double kWeightBytes = 2.0;
constexpr double kOptimizerBytes = 12.0;

// Meta and Crusoe, PyTorch blog 2025 (see checkpoint.hpp): Llama 3 70B on 1,856 H200s, 700 tokens/s per GPU between
// checkpoints; after each, ~67 s at 372 (process, cached plans) or ~436 s at 315 (threads, planning every save).
constexpr double kDcpTokensPerS = 700;
constexpr double kProcessCachedWindow_s = 67, kProcessCachedDip = 372;
constexpr double kThreadWindow_s = 436, kThreadDip = 315;

}  // namespace

double async_background_loss_s(AsyncSaver saver) {
  switch (saver) {
    case AsyncSaver::dcp_process_cached: return kProcessCachedWindow_s * (1 - kProcessCachedDip / kDcpTokensPerS);
    case AsyncSaver::dcp_thread: return kThreadWindow_s * (1 - kThreadDip / kDcpTokensPerS);
  }
  return 0;
}

CheckpointSize checkpoint_size(double model_params, double stage_params_per_gpu, const Parallelism& p) {
  CheckpointSize s;
  const double per_param = kWeightBytes + kOptimizerBytes;
  s.total_B = model_params * per_param;
  if (p.zero >= 1) {
    // Optimizer state is sharded over data parallelism, and fully parallel saving spreads the replicated weights
    // over the data-parallel ranks too, so every GPU writes 1/(dp x cp) of its stage's state.
    s.per_gpu_B = stage_params_per_gpu * per_param / (static_cast<double>(p.dp) * p.cp);
    s.writer_gpus = p.gpus();
  } else {
    // Without ZeRO every replica holds the same dense state; one data-parallel replica writes it. Expert
    // parallelism splits the experts over `ep` replicas, so the first `ep` replicas each write their own experts
    // (as the DES engine's checkpoint plan does).
    s.per_gpu_B = stage_params_per_gpu * per_param;
    s.writer_gpus = p.tp * p.pp * p.cp * std::max(p.ep, 1);
  }
  return s;
}

CheckpointCost checkpoint_cost(const CheckpointSize& size, int nodes, int gpus_per_node, const hw::StorageTier& tier,
                               const CheckpointPolicy& policy) {
  CheckpointCost c;
  const int gpn = std::max(gpus_per_node, 1);
  const int writer_nodes = std::clamp((size.writer_gpus + gpn - 1) / gpn, 1, std::max(nodes, 1));
  const double bw = tier.bandwidth_Bps(writer_nodes);
  double bytes_time = 0;
  if (tier.kind == hw::StorageKind::local_nvme) {
    // Each node writes its own GPUs' shards to its own drives: the busiest node sets the time.
    bytes_time = size.per_gpu_B * std::min(gpn, std::max(size.writer_gpus, 1)) / tier.bw_per_node_Bps;
  } else {
    bytes_time = size.total_B / bw;
  }
  const double host_copy_s = size.per_gpu_B / policy.host_copy_bw_Bps;
  c.write_s = tier.startup_s() + bytes_time;
  c.sync_stall_s = c.write_s;
  c.async_stall_s = host_copy_s;
  c.async_background_s = async_background_loss_s(policy.async_saver);
  // Restore reads every GPU's shard back (the same bytes, at the same bandwidth) and copies it to the GPUs.
  c.restore_s = c.write_s + host_copy_s;
  const double capacity = tier.capacity_for_B(nodes);
  const double keep = std::max(policy.keep, 1);
  const double needed = tier.kind == hw::StorageKind::local_nvme
                            ? keep * size.per_gpu_B * gpn * std::max(nodes, 1)
                            : keep * size.total_B;
  c.fits = capacity <= 0 || needed <= capacity;
  return c;
}

}  // namespace capsim::workloads
