#pragma once
/// @file checkpoint.hpp
/// Size of a training checkpoint (weights and optimizer state, sharded by ZeRO) and what writing it costs on each
/// storage tier: write time, the stall of synchronous and asynchronous checkpointing, and restore time.

#include <string>

#include "models/hardware/storage_tier.hpp"
#include "models/workloads/transformer.hpp"

namespace capsim::workloads {

/// Synchronous (training waits for the write) or asynchronous (training waits only for the copy to host memory).
enum class CheckpointMode { sync, async };

/// How the training framework runs an asynchronous save after the GPU-to-host copy: where its background work (save
/// planning, whose local plans are gathered to a coordinator and a global plan scattered back, the checkpoint's
/// metadata, serialization, the writes) runs beside the trainer, which it slows while it lasts.
enum class AsyncSaver {
  /// PyTorch DCP async_save in a background process with cached save plans (async_checkpointer_type PROCESS,
  /// DefaultSavePlanner(enable_plan_caching=True); Megatron-Core's --ckpt-assume-constant-structure caches the same).
  dcp_process_cached,
  /// PyTorch DCP async_save in background threads, planning every save: the threads contend for the Python GIL
  /// with the trainer's kernel launches.
  dcp_thread
};

/// Training time the background work of one asynchronous save costs, seconds, as measured at scale: Meta and
/// Crusoe, "6x faster Async Checkpointing in PyTorch, using Cached Plans, no GIL contention" (PyTorch blog, 2025):
/// Llama 3 70B, HSDP2 with TorchTitan on 1,856 H200s, the GPU blocked 0.78 s for staging, then the throughput fell
/// from 700 tokens/s per GPU to 372 for ~67 s with a process and cached plans (to 315 for ~436 s with threads that
/// plan every save). The cost is the deepest dip held over the window, an upper bound for that job: 31.4 s and
/// 239.8 s. Each rank there wrote ~0.45 GB (840 GB of fp32 weights and Adam state over 1,856 ranks), as the README's
/// Llama 3 405B example does (0.35 GB); the work planning does grows with the ranks, so beyond ~2,000 GPUs the
/// figure is a lower bound.
double async_background_loss_s(AsyncSaver saver);

/// How a job checkpoints.
struct CheckpointPolicy {
  std::string tier = "pfs";  ///< name of the tier checkpoints go to
  CheckpointMode mode = CheckpointMode::async;
  double interval_s = 0;  ///< 0 = the Young/Daly optimum
  /// GPU-to-host copy bandwidth per GPU for an asynchronous snapshot, bytes/s. Estimate: half of PCIe Gen5 x16's
  /// 64 GB/s, since two GPUs share a host link on HGX boards.
  double host_copy_bw_Bps = 25e9;
  /// Newest checkpoints kept on the tier, the one being written included (retention): the last good one must survive
  /// until the next is durable, so 2 is the least that never leaves the job without one.
  int keep = 2;
  /// The framework's asynchronous saver (async_background_loss_s): today's PyTorch DCP and Megatron-Core with
  /// cached plans by default.
  AsyncSaver async_saver = AsyncSaver::dcp_process_cached;
};

/// Bytes of one checkpoint.
struct CheckpointSize {
  double total_B = 0;    ///< whole job: every distinct byte once
  double per_gpu_B = 0;  ///< written by the most loaded GPU
  int writer_gpus = 0;   ///< GPUs that write (all with ZeRO >= 1; without, one data-parallel replica, ep with MoE)
};

/// Checkpoint of a job. `model_params`: total parameters; `stage_params_per_gpu`: parameters one GPU of the most
/// loaded pipeline stage holds before data-parallel sharding. Saves bf16 weights plus fp32 master weights, Adam
/// momentum and variance (14 bytes per parameter, Megatron-LM's distributed checkpoint).
CheckpointSize checkpoint_size(double model_params, double stage_params_per_gpu, const Parallelism& p);

/// Cost of checkpointing to one tier, seconds.
struct CheckpointCost {
  double write_s = 0;        ///< all writers together, from start to the last byte durable
  double sync_stall_s = 0;   ///< training paused per checkpoint when synchronous (= write_s)
  double async_stall_s = 0;  ///< training paused per checkpoint when asynchronous (GPU-to-host copy)
  /// training time lost per asynchronous checkpoint while the framework's background save runs beside the trainer
  /// (policy.async_saver; 0 when sync: training is paused for the whole save)
  double async_background_s = 0;
  double restore_s = 0;      ///< read back and copy to the GPUs after a failure
  bool fits = true;          ///< the tier holds policy.keep checkpoints (the one being written included)
};

/// Checkpoint `size` written from `nodes` nodes of `gpus_per_node` GPUs to `tier`.
CheckpointCost checkpoint_cost(const CheckpointSize& size, int nodes, int gpus_per_node, const hw::StorageTier& tier,
                               const CheckpointPolicy& policy);

}  // namespace capsim::workloads
