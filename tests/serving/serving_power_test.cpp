#include "sim/serving/serving_power.hpp"

#include <gtest/gtest.h>

#include "sim/serving/serving_simulation.hpp"
#include "tests/serving/serving_fixtures.hpp"

namespace capsim::sim::serving {
namespace CAPSIM_UNITY_ID {

using workloads::LoadMode;

/// Poisson arrivals at `rate` for `duration_s`: Llama 3 8B on one H100.
workloads::InferenceJob open_loop(double rate, double duration_s) {
  workloads::InferenceJob job = test::serving_job("llama3-8b", 1, 1000, 200, 0);
  job.load.mode = LoadMode::poisson;
  job.load.rate_per_s = rate;
  job.load.duration_s = duration_s;
  return job;
}

/// One step's activity.
hw::GpuActivity activity_of(const workloads::StepBatch& batch) {
  const auto cluster = test::serving_cluster();
  const auto job = test::serving_job("llama3-8b", 1, 1000, 200);
  const workloads::InferenceStepModel model(cluster, job);
  hw::GpuActivity a;
  StepActivityModel(cluster, job).add(batch, model.step_time(batch), a);
  return a;
}

TEST(ServingPower, APrefillStepIsMostlyComputeBoundAndADecodeStepMostlyMemoryBound) {
  workloads::StepBatch prefill;
  prefill.prefill_tokens = 4096;
  prefill.prefill_attention_pairs = 4096 * 4097 / 2.0;
  prefill.sampled_seqs = 1;
  workloads::StepBatch decode;
  decode.decode_seqs = 8;
  decode.decode_context_tokens = 8 * 1000;
  decode.sampled_seqs = 8;
  const hw::GpuActivity p = activity_of(prefill);
  const hw::GpuActivity d = activity_of(decode);
  EXPECT_GT(p.compute_bound_s, 0.7 * p.total_s());
  EXPECT_LT(d.compute_bound_s, 0.1 * d.total_s());
  EXPECT_EQ(p.idle_s, 0);
}

TEST(ServingPower, AnIdleHeavyLoadCostsFarMoreEnergyPerTokenThanASaturatedOne) {
  const auto cluster = test::serving_cluster();
  const InferenceResult trickle = simulate_serving(cluster, open_loop(0.05, 1200), 1);
  const InferenceResult busy = simulate_serving(cluster, open_loop(20, 300), 1);
  ASSERT_GT(trickle.completed, 20);
  // A replica at 0.05 requests/s steps a few percent of the time and waits, clocks up, for the rest.
  EXPECT_GT(trickle.power.activity.idle_s, 0.8 * trickle.duration_s);
  EXPECT_LT(busy.power.activity.idle_s, 0.2 * busy.duration_s);
  EXPECT_GT(trickle.power.energy_per_million_tokens_J, 5 * busy.power.energy_per_million_tokens_J);
  EXPECT_LT(trickle.power.gpu_power_W, busy.power.gpu_power_W);
}

TEST(ServingPower, ASaturatedDecodeReplicaDrawsBetweenIdleAndTdpAndLessThanAPrefillOne) {
  const auto cluster = test::serving_cluster();
  const auto& gpu = cluster.gpu;
  // Offline batches keep the replica busy: long answers to short prompts, and long prompts with one token out.
  const InferenceResult decode = simulate_serving(cluster, test::serving_job("llama3-8b", 1, 100, 1000, 256), 1);
  const InferenceResult prefill = simulate_serving(cluster, test::serving_job("llama3-8b", 1, 4000, 1, 256), 1);
  EXPECT_GT(decode.busy_share, 0.95);
  EXPECT_GT(prefill.busy_share, 0.95);
  EXPECT_GT(decode.power.gpu_power_W, gpu.idle_W + 0.2 * (gpu.tdp_W - gpu.idle_W));
  EXPECT_LT(decode.power.gpu_power_W, gpu.tdp_W);
  EXPECT_GT(prefill.power.gpu_power_W, decode.power.gpu_power_W + 0.1 * (gpu.tdp_W - gpu.idle_W));
  EXPECT_LE(prefill.power.gpu_power_W, gpu.tdp_W);
}

TEST(ServingPower, EnergyIsMeanFacilityPowerOverTheRun) {
  const auto cluster = test::serving_cluster();
  const InferenceResult r = simulate_serving(cluster, open_loop(5, 300), 3);
  const ServingPower& p = r.power;
  ASSERT_GT(p.it_power_W, 0);
  EXPECT_NEAR(p.facility_power_W, p.it_power_W * cluster.facility.effective_pue(), 1e-9 * p.facility_power_W);
  EXPECT_NEAR(p.energy_J, p.facility_power_W * r.duration_s, 1e-9 * p.energy_J);
  const double tokens = r.output_tokens_per_s * r.duration_s;
  EXPECT_NEAR(p.energy_per_million_tokens_J, p.energy_J / (tokens / 1e6), 1e-9 * p.energy_J);
  EXPECT_NEAR(p.carbon_kg, p.energy_J * cluster.facility.effective_grid_kg_per_J(), 1e-9 * p.carbon_kg);
  // Each GPU's time is accounted for once: steps plus the waits between them.
  EXPECT_NEAR(p.activity.total_s(), r.duration_s, 0.01 * r.duration_s);
  double parts = 0;
  for (const auto& [part, w] : p.breakdown_W) parts += w;
  EXPECT_NEAR(parts, p.it_power_W, 1e-9 * p.it_power_W);
  // The steps' energy (a replica's busy draw over its steps) is the run's, less the waits between steps; busy draw
  // is above the mean, so it is more than the busy share of the run's energy.
  const double steps_J = p.energy_per_step_J * static_cast<double>(r.steps);
  const double busy = 1 - p.activity.idle_s / p.activity.total_s();
  EXPECT_LT(steps_J, p.energy_J);
  EXPECT_GT(steps_J, busy * p.energy_J);
}

TEST(ServingPower, ALayoutThatDoesNotFitHasNoPowerBlock) {
  const auto job = test::serving_job("llama3-70b", 1, 1000, 200);
  const InferenceResult r = simulate_serving(test::serving_cluster(), job, 1);
  ASSERT_FALSE(r.fits_in_memory);
  EXPECT_EQ(r.power.it_power_W, 0);
}

}  // namespace
}  // namespace capsim::sim::serving
