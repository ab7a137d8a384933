#pragma once
// Shared test helpers: catalog clusters and a GPT-style job (tests only).
#include "models/hardware/cluster.hpp"
#include "models/hardware/gpu_catalog.hpp"
#include "models/workloads/transformer.hpp"

namespace capsim::test {

/// A homogeneous cluster of `nodes` default nodes of catalog GPU `gpu_id`.
inline hw::ClusterSpec catalog_cluster(const std::string& gpu_id, int nodes) {
  return hw::default_cluster(*hw::GpuCatalog::builtin().find(gpu_id), nodes);
}

/// A GPT-3-style dense model (MHA, plain MLP of 4h) with a given parallel layout.
inline workloads::TrainingJob gpt_job(int layers, int hidden, int heads, int tp, int pp, int dp, int global_batch) {
  workloads::TrainingJob j;
  j.name = "gpt";
  j.model.name = "gpt";
  j.model.layers = layers;
  j.model.hidden = hidden;
  j.model.ffn_hidden = 4 * hidden;
  j.model.heads = heads;
  j.model.kv_heads = heads;
  j.model.vocab = 51200;
  j.model.seq_len = 2048;
  j.parallelism.tp = tp;
  j.parallelism.pp = pp;
  j.parallelism.dp = dp;
  j.parallelism.global_batch = global_batch;
  return j;
}

}  // namespace capsim::test
