// ZeRO 3 in the DES: every op all-gathers its chunk's parameters (FSDP2 reshards after forward, so backward gathers
// again), sharing the links with the reduce-scatters, as the closed form counts them (data_parallel_overlap()).
#include <gtest/gtest.h>

#include <cstdio>

#include "models/hardware/gpu_catalog.hpp"
#include "sim/analytical/analytical_engine.hpp"
#include "sim/des/des_engine.hpp"
#include "tests/des/breakdown_part.hpp"
#include "tests/des/moe_test_job.hpp"

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

using testing::part;

/// 8 DGX H100 nodes whose NICs run at 1/20 of 400 Gb/s: gathers outlast the passes they prefetch for.
hw::ClusterSpec slow_cluster() {
  auto c = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), 8);
  c.scale_out.nic_bw_Bps /= 20;
  return c;
}

/// A dense 8-layer model, one node per replica (TP 8), fully sharded over 8 replicas, `micro_batches` of 1.
workloads::TrainingJob fsdp_job(int micro_batches) {
  workloads::TrainingJob j = des::testing::moe_job(8);
  j.name = "fsdp";
  j.model.experts = 0;
  j.model.top_k = 0;
  j.model.ffn_hidden = 14336;
  j.parallelism.ep = 1;
  j.parallelism.zero = 3;
  j.parallelism.global_batch = 8 * micro_batches;
  return j;
}

TEST(Zero3GatherDes, EveryMicroBatchGathersInBothEngines) {
  const auto cluster = slow_cluster();
  const TrainingResult a1 = AnalyticalEngine().run_training(cluster, fsdp_job(1));
  const TrainingResult d1 = DesEngine().run_training(cluster, fsdp_job(1));
  const TrainingResult a4 = AnalyticalEngine().run_training(cluster, fsdp_job(4));
  const TrainingResult d4 = DesEngine().run_training(cluster, fsdp_job(4));
  std::printf("1 micro-batch: analytical %.4f s (gather %.4f, dp %.4f), des %.4f s (gather %.4f, dp %.4f)\n",
              a1.step_time_s, part(a1, "param_gather"), part(a1, "dp_comm"), d1.step_time_s, part(d1, "param_gather"),
              part(d1, "dp_comm"));
  std::printf("4 micro-batches: analytical %.4f s (gather %.4f, dp %.4f), des %.4f s (gather %.4f, dp %.4f)\n",
              a4.step_time_s, part(a4, "param_gather"), part(a4, "dp_comm"), d4.step_time_s, part(d4, "param_gather"),
              part(d4, "dp_comm"));
  // The gathers are exposed, and each micro-batch has its own: four micro-batches wait about four times as long
  // for their collectives. (Which of the two parts a wait lands in differs: in the DES a reduce-scatter that shares
  // the links slows the gather beside it, so the gather's part grows and the reduction's shrinks.)
  auto exposed = [](const TrainingResult& r) { return part(r, "param_gather") + part(r, "dp_comm"); };
  ASSERT_GT(part(d1, "param_gather"), 0.05 * d1.step_time_s);
  EXPECT_GT(part(d4, "param_gather"), 3 * part(d1, "param_gather"));
  EXPECT_NEAR(exposed(d4) / exposed(d1), 4.0, 0.4);
  EXPECT_NEAR(exposed(a4) / exposed(a1), 4.0, 0.4);
  // The two engines tell the same story.
  EXPECT_NEAR(d1.step_time_s / a1.step_time_s, 1.0, 0.1);
  EXPECT_NEAR(d4.step_time_s / a4.step_time_s, 1.0, 0.1);
}

}  // namespace
}  // namespace capsim::sim
