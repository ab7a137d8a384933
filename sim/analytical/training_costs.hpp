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

/// Seconds of the optimizer step on one GPU (Adam over its ZeRO shard; memory-bound).
double optimizer_time_s(const workloads::TrainingJob& job, double parameters_on_gpu, const hw::GemmModel& gemm);

}  // namespace capsim::sim
