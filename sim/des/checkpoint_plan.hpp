#pragma once
/// @file checkpoint_plan.hpp
/// The checkpoint a DES step writes (pure arithmetic, no SimGrid): the bytes each node sends to storage, and how the
/// writes spread over the storage endpoints that stand for groups of storage servers on the fabric.

#include <vector>

#include "models/hardware/storage_tier.hpp"
#include "models/workloads/transformer.hpp"

namespace capsim::sim::des {

/// What one node writes: the shards of its GPUs together (its NICs share the flows: DesPlatform::storage_sources).
struct NodeWrite {
  int node = 0;
  double bytes = 0;
};

/// One job's checkpoint as the DES writes it.
struct JobCheckpoint {
  std::vector<NodeWrite> writes;  ///< by node, in node order; only nodes that hold a shard
  double total_B = 0;             ///< every write together: workloads::checkpoint_size's total
  double max_gpu_B = 0;           ///< the largest shard of one GPU (its GPU-to-host copy is the async stall)
};

/// The checkpoint of `job` on GPUs [first_gpu, first_gpu + gpus) with `gpus_per_node` GPUs a node. Each pipeline
/// stage holds its layers' parameters (the first also the embedding, the last the output layer and final norm) at
/// workloads::checkpoint_size's bytes per parameter. With ZeRO >= 1 every GPU of the stage writes an equal part of
/// it (fully parallel saving); without, the GPUs of data-parallel replica 0 write the replicated parameters and
/// those of the first `ep` replicas the routed experts they hold.
JobCheckpoint job_checkpoint(const workloads::TrainingJob& job, int first_gpu, int gpus_per_node);

/// Bandwidth of the whole storage service to any number of clients, bytes/s (parallel-fs: its servers, capped by
/// the aggregate; object-store: the aggregate); infinity when nothing bounds it.
double storage_service_Bps(const hw::StorageTier& tier);

/// Most that one node can write to `tier`, bytes/s (its client bandwidth; for an object store also its streams);
/// 0 when nothing bounds it.
double storage_client_cap_Bps(const hw::StorageTier& tier);

/// Where the writes go: write k of all jobs (in job, then node order) goes to endpoint k mod `endpoints`.
struct EndpointAssignment {
  std::vector<std::vector<int>> endpoint;  ///< by job, by write
  std::vector<double> bytes;               ///< by endpoint: what it receives
};

/// Spreads the writes of `jobs` round-robin over `endpoints` (>= 1) storage endpoints.
EndpointAssignment assign_endpoints(const std::vector<JobCheckpoint>& jobs, int endpoints);

/// The storage endpoints each of `nodes` nodes writes to under `assignment` of `jobs`' writes (by node).
std::vector<std::vector<int>> endpoints_by_node(const std::vector<JobCheckpoint>& jobs,
                                                const EndpointAssignment& assignment, int nodes);

}  // namespace capsim::sim::des
