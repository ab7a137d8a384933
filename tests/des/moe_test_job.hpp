#pragma once
/// @file moe_test_job.hpp
/// The small mixture-of-experts job the DES tests share: its expert all-to-all spans every node (tp 8 = one node
/// per replica), so its traffic crosses the fabric.

#include "models/workloads/transformer.hpp"

namespace capsim::sim::des::testing {

/// A mixture-of-experts job of `layers` layers on `nodes` nodes, one expert per node.
inline workloads::TrainingJob moe_job(int nodes, int layers = 8) {
  workloads::TrainingJob j;
  j.name = "moe";
  auto& m = j.model;
  m.name = "moe";
  m.layers = layers;
  m.hidden = 4096;
  m.heads = 32;
  m.kv_heads = 8;
  m.vocab = 32000;
  m.seq_len = 4096;
  m.gated_mlp = true;
  m.experts = nodes;
  m.top_k = 2;
  m.expert_ffn_hidden = 4096;
  m.ffn_hidden = 4096;
  auto& p = j.parallelism;
  p.tp = 8;
  p.dp = nodes;
  p.ep = nodes;
  p.global_batch = nodes * 2;
  p.sequence_parallel = true;
  return j;
}

}  // namespace capsim::sim::des::testing
