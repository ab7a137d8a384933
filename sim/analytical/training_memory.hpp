#pragma once
/// @file training_memory.hpp
/// Memory one GPU needs to train: weights, gradients, optimizer state (ZeRO-sharded), activations as the pipeline
/// schedule keeps them in flight, and buffers. Sources: Rajbhandari et al. 2020 (ZeRO), Korthikanti et al. 2022
/// (activation sizes), Megatron-LM's distributed-optimizer documentation (bytes per parameter).

#include <string>
#include <vector>

#include "models/workloads/transformer.hpp"
#include "sim/engine.hpp"

namespace capsim::sim {

/// Parameters held by one GPU of the most loaded pipeline stage, split by how they are reduced.
struct StageParameters {
  double dense = 0;   ///< replicated over data parallelism (attention, norms, embeddings, dense MLPs)
  double expert = 0;  ///< MoE expert weights, sharded by ep and replicated over dp*cp/ep

  double total() const { return dense + expert; }
};

/// Parameters on one GPU of the stage with the most parameters.
StageParameters stage_parameters(const workloads::TrainingJob& job);

/// Activation bytes one transformer layer keeps for its backward pass, per micro-batch.
double layer_activation_bytes(const workloads::TrainingJob& job);

/// Memory of one GPU on the most memory-hungry stage (stage 0 or the last), bytes.
MemoryBreakdown training_memory(const workloads::TrainingJob& job);

/// Ways to make `job` fit in `capacity_B`, each one a sentence with the memory it would need ("zero: 1 -> 61.2 GiB
/// per GPU"). Empty when nothing simple fits.
std::vector<std::string> memory_advice(const workloads::TrainingJob& job, double capacity_B);

}  // namespace capsim::sim
