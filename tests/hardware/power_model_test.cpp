#include "models/hardware/power_model.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/hardware/gpu_catalog.hpp"
#include "planner/run.hpp"
#include "planner/scenario.hpp"
#include "planner/validation.hpp"

namespace capsim::hw {
namespace CAPSIM_UNITY_ID {

const GpuSpec& h100() { return *GpuCatalog::builtin().find("h100-sxm5-80gb"); }

GpuActivity only(double GpuActivity::*phase) {
  GpuActivity a;
  a.*phase = 1.0;
  return a;
}

TEST(PowerModel, GemmsDrawTheLimitAndOtherPhasesLess) {
  const double gemm = gpu_power_W(h100(), 0, only(&GpuActivity::compute_bound_s));
  const double memory = gpu_power_W(h100(), 0, only(&GpuActivity::memory_bound_s));
  const double comm = gpu_power_W(h100(), 0, only(&GpuActivity::comm_s));
  const double wait = gpu_power_W(h100(), 0, only(&GpuActivity::idle_s));
  EXPECT_NEAR(gemm, 692, 1);  // what the calibration run's held BF16 GEMM drew at the 700 W limit
  EXPECT_NEAR(memory, 409, 1);  // its held STREAM triad
  EXPECT_LT(memory, gemm);
  EXPECT_LT(comm, memory);
  EXPECT_LT(wait, comm);
  EXPECT_GT(wait, h100().idle_W);
  EXPECT_DOUBLE_EQ(gpu_power_W(h100(), 0, GpuActivity{}), h100().idle_W);
}

TEST(PowerModel, PowerCapLimitsTheGemmDraw) {
  EXPECT_DOUBLE_EQ(gpu_power_W(h100(), 500, only(&GpuActivity::compute_bound_s)), 500);
  // Streaming HBM draws about 409 W: a 500 W cap does not touch it, a 350 W cap holds it at 350.
  EXPECT_DOUBLE_EQ(gpu_power_W(h100(), 500, only(&GpuActivity::memory_bound_s)),
                   gpu_power_W(h100(), 0, only(&GpuActivity::memory_bound_s)));
  EXPECT_DOUBLE_EQ(gpu_power_W(h100(), 350, only(&GpuActivity::memory_bound_s)), 350);
  GpuActivity half;
  half.compute_bound_s = 1;
  half.memory_bound_s = 1;
  EXPECT_NEAR(gpu_power_W(h100(), 500, half), (500 + gpu_power_W(h100(), 0, only(&GpuActivity::memory_bound_s))) / 2,
              1e-9);
}

TEST(PowerModel, ComputeAndMemorySharesComeFromTheGpuSpec) {
  EXPECT_DOUBLE_EQ(h100().compute_power_share, 0.987);  // measured: models/hardware/calibration/
  EXPECT_DOUBLE_EQ(h100().memory_power_share, 0.538);
  EXPECT_NE(h100().sources.at("memory_power_share").find("calibration"), std::string::npos);
  // A GPU whose entry gives no shares keeps the estimates, and says so.
  const GpuSpec& a100 = *GpuCatalog::builtin().find("a100-sxm4-80gb");
  EXPECT_DOUBLE_EQ(a100.memory_power_share, 0.55);
  EXPECT_NE(a100.sources.at("memory_power_share").find("0.55"), std::string::npos);
  GpuSpec gpu = h100();
  gpu.compute_power_share = 0.5;
  gpu.memory_power_share = 0.8;
  const double range = gpu.tdp_W - gpu.idle_W;
  EXPECT_DOUBLE_EQ(gpu_power_W(gpu, 0, only(&GpuActivity::compute_bound_s)), gpu.idle_W + 0.5 * range);
  EXPECT_DOUBLE_EQ(gpu_power_W(gpu, 0, only(&GpuActivity::memory_bound_s)), gpu.idle_W + 0.8 * range);
  // Provisioning still counts every GPU at its limit.
  PowerSpec capped;
  capped.gpu_power_cap_W = 600;
  EXPECT_DOUBLE_EQ(node_peak_W(gpu, 8, 8, capped), node_peak_W(h100(), 8, 8, capped));
}

TEST(PowerModel, ACapBelowTheDrawOfTheWorkSlowsIt) {
  const GpuSpec& gpu = h100();
  EXPECT_DOUBLE_EQ(power_capped_speed(gpu, 0, 1.0), 1.0);      // no cap
  EXPECT_DOUBLE_EQ(power_capped_speed(gpu, 700, 1.0), 1.0);    // the cap is TDP
  const double memory_draw = gpu.idle_W + gpu.memory_power_share * (gpu.tdp_W - gpu.idle_W);
  EXPECT_DOUBLE_EQ(power_capped_speed(gpu, memory_draw + 1, gpu.memory_power_share), 1.0);  // does not bind
  // Compute-bound work draws TDP: a 500 W cap leaves (500 - idle) / (700 - idle) of the dynamic power, and speed
  // follows it by the 1/2.5 power.
  const double expected = std::pow((500 - gpu.idle_W) / (700 - gpu.idle_W), 1 / 2.5);
  EXPECT_NEAR(power_capped_speed(gpu, 500, 1.0), expected, 1e-12);
  EXPECT_LT(power_capped_speed(gpu, 400, 1.0), power_capped_speed(gpu, 500, 1.0));
}

TEST(PowerModel, ApplyPowerCapSlowsGemmsAndKeepsTheSource) {
  GpuSpec gpu = h100();
  const double bf16 = gpu.gemm_efficiency_cap(Precision::bf16);
  const double hbm = gpu.hbm_achieved_Bps;
  apply_power_cap(gpu, 450);
  EXPECT_NEAR(gpu.gemm_efficiency_cap(Precision::bf16),
              bf16 * power_capped_speed(h100(), 450, h100().compute_power_share), 1e-12);
  EXPECT_NE(gpu.sources.at("max_gemm_efficiency.bf16").find("power cap"), std::string::npos);
  EXPECT_DOUBLE_EQ(gpu.hbm_achieved_Bps, hbm);  // 450 W is above what streaming HBM draws
  GpuSpec uncapped = h100();
  apply_power_cap(uncapped, 0);
  EXPECT_DOUBLE_EQ(uncapped.gemm_efficiency_cap(Precision::bf16), bf16);
}

TEST(PowerModel, ACappedScenarioTrainsSlowerAndSaysWhy) {
  const auto doc = [](const std::string& power) {
    return R"({"schema": "capsim/scenario/v1", "name": "cap", "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 4)" +
           power + R"(}, "workloads": [{"name": "w", "kind": "training", "model": {"preset": "llama3-8b"},
      "parallelism": {"tp": 1, "pp": 1, "dp": 32, "micro_batch": 1, "global_batch": 256}, "precision": "bf16"}]})";
  };
  const auto free = planner::run_scenario(planner::load_scenario_text(doc(""), "a.json")).training.front();
  const auto capped = planner::run_scenario(
      planner::load_scenario_text(doc(R"(, "power": {"gpu_power_cap": "450 W"})"), "b.json")).training.front();
  EXPECT_GT(capped.step_time_s, 1.05 * free.step_time_s);
  EXPECT_LT(capped.power.gpu_power_W, free.power.gpu_power_W);
  bool noted = false;
  for (const auto& note : capped.notes) noted = noted || note.find("GPU power cap 450 W") != std::string::npos;
  EXPECT_TRUE(noted);
}

// MLPerf Training v4.0: about 2.2-2.6 kW before training starts on one 8 x H100 node (reference/facility.md).
TEST(PowerModel, IdleDgxH100NodeDrawsTwoPointTwoToTwoPointSixKilowatts) {
  const NodePower idle = node_power(h100(), 8, 8, PowerSpec{}, GpuActivity{});
  EXPECT_GE(idle.total_W, 2200);
  EXPECT_LE(idle.total_W, 2600);
  double sum = 0;
  for (const auto& [part, w] : idle.parts_W) sum += w;
  EXPECT_NEAR(sum, idle.total_W, 1e-6);
}

TEST(PowerModel, NodeOverheadOverrideReplacesTheParts) {
  PowerSpec spec;
  spec.node_overhead_W = 2000;
  const NodePower busy = node_power(h100(), 8, 8, spec, only(&GpuActivity::compute_bound_s));
  const double gemm_W = gpu_power_W(h100(), 0, only(&GpuActivity::compute_bound_s));
  EXPECT_NEAR(busy.total_W, 8 * gemm_W / 0.95 + 2000, 1);
}

TEST(PowerModel, PeakNodeIsTheDgxMaximumUnlessCapped) {
  EXPECT_DOUBLE_EQ(node_peak_W(h100(), 8, 8, PowerSpec{}), 10.2e3);
  PowerSpec capped;
  capped.gpu_power_cap_W = 400;
  EXPECT_LT(node_peak_W(h100(), 8, 8, capped), 8 * 400 / 0.95 + 3000);
}

TEST(PowerModel, ClosFabricUsesTwoPortsPerTierAboveTheLeaf) {
  PowerSpec spec;
  spec.switch_port_W = 10;
  EXPECT_DOUBLE_EQ(fabric_power_W(1000, 1, spec), 10'000);
  EXPECT_DOUBLE_EQ(fabric_power_W(1000, 3, spec), 50'000);
  EXPECT_DOUBLE_EQ(fabric_power_W(1000, 0, spec), 0);
}

// The issue's bar: the MLPerf v4.0 row (8 x H100, Llama-2-70B-shaped FP8 run, 6.77 kW mean) within 7%.
TEST(PowerModel, MlperfEightH100NodeWithinSevenPercentOfTheMeasuredMean) {
  const auto suites = planner::run_validation(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/validation",
                                              "analytical", "mlperf-power");
  ASSERT_EQ(suites.size(), 1u);
  ASSERT_EQ(suites.front().rows.size(), 1u);
  EXPECT_LT(std::abs(suites.front().rows.front().error), 0.07);
}

// Dense bf16 training at ~74% MFU is harder than the LoRA run: it may exceed the mean but not the 7.3 kW peak by
// much, and never the DGX's 10.2 kW rating.
TEST(PowerModel, DenseFlatOutNodeStaysNearTheMeasuredPeak) {
  const auto scenario = planner::load_scenario_text(R"({"schema": "capsim/scenario/v1", "name": "flat-out",
    "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 1},
    "workloads": [{"name": "w", "kind": "training", "model": {"preset": "llama3-8b"},
      "parallelism": {"tp": 1, "pp": 1, "dp": 8, "micro_batch": 1, "global_batch": 64, "zero": 1},
      "precision": "bf16"}]})",
                                                    "flat-out.json");
  const auto result = planner::run_scenario(scenario, "analytical");
  const auto& p = result.training.front().power;
  EXPECT_GT(p.it_power_W, 6770);
  EXPECT_LT(p.it_power_W, 7300 * 1.05);
  EXPECT_GT(p.energy_per_step_J, 0);
}

}  // namespace
}  // namespace capsim::hw
