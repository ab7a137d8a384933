#pragma once
/// @file training_costs.hpp
/// The per-micro-batch costs of one training configuration that both engines share: one layer, the embedding and
/// output layers, a pipeline send/recv, and where each communicator's ranks sit. The analytical engine folds them
/// into a closed form; the DES engine schedules them event by event.

#include "models/hardware/cluster.hpp"
#include "models/hardware/gemm_model.hpp"
#include "models/network/collective_model.hpp"
#include "models/workloads/transformer.hpp"
#include "sim/analytical/layer_costs.hpp"
#include "sim/analytical/pipeline_schedule.hpp"

namespace capsim::sim {

/// Ranks of a communicator whose members are `stride` apart in Megatron's rank order (tp, cp, ep/dp, pp), placed on
/// nodes of `gpus_per_node` GPUs.
net::CommGroup group_of(int ranks, int stride, int gpus_per_node);

/// The expert-parallel group of `p`: ep ranks tp x cp apart inside dp x cp, or consecutive ones when the experts are
/// folded into expert parallelism (etp 1).
net::CommGroup expert_group(const workloads::Parallelism& p, int gpus_per_node);

/// Costs of one configuration, seconds per micro-batch.
struct TrainingCosts {
  LayerCost layer;        ///< one transformer layer
  LayerCost first_extra;  ///< embedding, on the first stage
  LayerCost last_extra;   ///< final norm, logits and loss, on the last stage
  double p2p_bytes = 0;   ///< one pipeline send per GPU (the micro-batch's activations, scattered over tp)
  double p2p_s = 0;       ///< pipeline sends per micro-batch on one stage: forward and backward, per chunk
  LayerSplit split;       ///< layers per pipeline stage
  net::CommGroup dp_group;  ///< gradient reduction over dp x cp replicas
};

/// Evaluates the per-micro-batch costs of `job` on `cluster` with the given kernel and collective models.
TrainingCosts training_costs(const hw::ClusterSpec& cluster, const workloads::TrainingJob& job,
                             const hw::GemmModel& gemm, const net::CollectiveModel& collectives);

/// The data-parallel collectives of one step against the compute they run beside.
struct DataParallelOverlap {
  double reduce_exposed_s = 0;  ///< gradient reduction time the step waits for
  double gather_exposed_s = 0;  ///< ZeRO-3 parameter gathers the step waits for
  double hidden_s = 0;          ///< collective time that runs beside compute (its NCCL kernels hold SMs meanwhile)
};

/// How much of a step's data-parallel collectives hides behind compute, from per-micro-batch times on one stage:
/// `forward_s` and `backward_s` (with recomputation) of one micro-batch, `reduce_s` one reduction of the stage's
/// gradients, `gather_s` one all-gather of its parameters (used with `zero` 3 only), over `micro_batches`.
///
/// The collectives share one resource, the node's links: concurrent NCCL kernels split the NICs' bandwidth, so
/// however many streams they are issued on, the network finishes at most one collective-second per second. Each
/// micro-batch is a cycle of forward_s + backward_s of compute:
/// - ZeRO 0 and 1 accumulate gradients locally and reduce once, beside the last micro-batch's backward pass, whose
///   last bucket cannot hide (0.9 of the pass hides).
/// - ZeRO 2 reduce-scatters every micro-batch's gradients (they cannot accumulate sharded); a reduction may spill
///   into the next micro-batch's compute, so the cycles lengthen only when a reduction is longer than a whole cycle,
///   and the last micro-batch's reduction hides behind 0.9 of its backward pass (the DES's serialized queue of
///   reductions on NCCL's stream, sim/des/des_training.cpp, gives the same endpoints).
/// - ZeRO 3 also gathers the parameters before every forward and every backward pass (FSDP2 reshards after forward;
///   Megatron-FSDP and XLA's FSDP gather per layer). A gather gates its pass: the prefetch runs one layer ahead, so
///   a gather longer than its pass stalls it. Per cycle the network carries two gathers and a reduce-scatter; in
///   the last micro-batch's backward pass the gather and the reduce-scatter share the links (Rajbhandari et al.,
///   "ZeRO", SC 2020, for the per-micro-batch traffic; PyTorch FSDP2's separate all-gather and reduce-scatter streams
///   still meet on the NICs).
/// With `overlap` false nothing hides (Megatron's overlap_grad_reduce off).
DataParallelOverlap data_parallel_overlap(int zero, int micro_batches, double forward_s, double backward_s,
                                          double reduce_s, double gather_s, bool overlap);

/// Seconds of the optimizer step on one GPU (Adam over its ZeRO shard; memory-bound).
double optimizer_time_s(const workloads::TrainingJob& job, double parameters_on_gpu, const hw::GemmModel& gemm);

}  // namespace capsim::sim
