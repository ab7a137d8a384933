// Blackwell attention rates come from a measurement, not from the GEMM: on B200 the forward pass is bound by the SFU
// exponentials and the backward by shared memory (FlashAttention-4 paper), so FlashAttention's Hopper-era share of
// the best GEMM, scaled to Blackwell's 2.25x tensor cores, overstates it.
#include <gtest/gtest.h>

#include "models/hardware/gpu_catalog.hpp"
#include "models/hardware/power_model.hpp"

namespace capsim::hw {
namespace {

// FlashAttention-4 on sm100, BF16, head_dim 128, causal, seq 8192 (Dao-AILab/flash-attention PR 2280):
// forward 1,418.1 TFLOP/s, one-CTA backward 1,117.9 TFLOP/s; an upper bound for cuDNN's fused attention.
constexpr double kFa4ForwardTflops = 1418.1;
constexpr double kFa4BackwardTflops = 1117.9;
// What CapSim derives for a GPU without a figure: the BF16 GEMM cap times FlashAttention-2's backward share of it
// (sim/analytical/layer_costs.cpp).
constexpr double kDerivedBackwardShare = 0.72;

TEST(BlackwellAttention, B200RunsAttentionNoFasterThanFlashAttention4Measures) {
  const GpuSpec* b200 = GpuCatalog::builtin().find("b200-sxm-180gb");
  ASSERT_NE(b200, nullptr);
  const double peak_tflops = b200->peak(Precision::bf16) / 1e12;
  EXPECT_NEAR(b200->attention_fwd_efficiency * peak_tflops, kFa4ForwardTflops, 2.0);
  EXPECT_NEAR(b200->attention_bwd_efficiency * peak_tflops, kFa4BackwardTflops, 2.0);
  // The backward below what the GEMM-derived default would give (the backward is bound by shared memory, which did
  // not grow from Hopper), and neither pass faster than the BF16 GEMM cap itself.
  const double cap = b200->gemm_efficiency_cap(Precision::bf16);
  EXPECT_LT(b200->attention_bwd_efficiency, cap * kDerivedBackwardShare);
  EXPECT_LT(b200->attention_fwd_efficiency, cap);
}

TEST(BlackwellAttention, Gb200TakesB200sShares) {
  const GpuSpec* b200 = GpuCatalog::builtin().find("b200-sxm-180gb");
  const GpuSpec* gb200 = GpuCatalog::builtin().find("gb200");
  ASSERT_NE(b200, nullptr);
  ASSERT_NE(gb200, nullptr);
  EXPECT_DOUBLE_EQ(gb200->attention_fwd_efficiency, b200->attention_fwd_efficiency);
  EXPECT_DOUBLE_EQ(gb200->attention_bwd_efficiency, b200->attention_bwd_efficiency);
}

// B200's streaming rate is measured (nvbench, NVIDIA/cccl PR 7391: an element-wise add over 2^28 F16 elements at
// 6.721 TB/s), not 0.9 x the datasheet; GB200 takes it as an estimate.
TEST(BlackwellAttention, B200AndGb200StreamAtTheMeasuredB200Rate) {
  const GpuSpec* b200 = GpuCatalog::builtin().find("b200-sxm-180gb");
  const GpuSpec* gb200 = GpuCatalog::builtin().find("gb200");
  ASSERT_NE(b200, nullptr);
  ASSERT_NE(gb200, nullptr);
  EXPECT_NEAR(b200->hbm_achieved_Bps, 6.72e12, 0.01e12);
  EXPECT_DOUBLE_EQ(gb200->hbm_achieved_Bps, b200->hbm_achieved_Bps);
  EXPECT_LT(b200->hbm_achieved_Bps, 0.9 * b200->hbm_bw_Bps);
}

}  // namespace
// Blackwell's sustained clocks: the B200 figure is a measurement at its 1,000 W limit (flashinfer-ai/flashinfer PR
// 2899: BF16 FlashAttention-4 run back to back falls from 1,450 to 1,237 TFLOP/s, 0.853); the GB200's follows from
// it through the power model's DVFS law, with the GB200's higher burst clock and 1,200 W limit.

// Share of its burst dynamic power a GPU draws at `speed` of its burst clock, found by inverting the power model's
// own law (power_capped_speed) rather than restating its exponent here.
double dynamic_power_share(double speed) {
  GpuSpec probe;
  probe.idle_W = 0;
  probe.tdp_W = 1;
  double lo = 1e-9;
  double hi = 1 - 1e-12;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (power_capped_speed(probe, mid, 1.0) < speed ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

TEST(BlackwellClocks, B200HoldsTheThrottledShareMeasuredAtItsLimit) {
  const GpuSpec* b200 = GpuCatalog::builtin().find("b200-sxm-180gb");
  ASSERT_NE(b200, nullptr);
  EXPECT_NEAR(b200->sustained_ratio(Precision::bf16), 1237.0 / 1450.0, 1e-3);
  // FP8 and FP4 keep the tensor cores at least as busy: no higher share than BF16's.
  EXPECT_LE(b200->sustained_ratio(Precision::fp8), b200->sustained_ratio(Precision::bf16));
  EXPECT_LE(b200->sustained_ratio(Precision::fp4), b200->sustained_ratio(Precision::bf16));
}

TEST(BlackwellClocks, Gb200SustainedShareFollowsFromB200sThroughTheDvfsLaw) {
  const GpuSpec* b200 = GpuCatalog::builtin().find("b200-sxm-180gb");
  const GpuSpec* gb200 = GpuCatalog::builtin().find("gb200");
  ASSERT_NE(b200, nullptr);
  ASSERT_NE(gb200, nullptr);
  // The B200's dynamic power at its burst clock: what its limit allows, over the share the measured speed draws.
  const double b200_burst_W = (b200->tdp_W - b200->idle_W) / dynamic_power_share(b200->sustained_ratio(Precision::bf16));
  // The GB200's burst clock is higher in the ratio of the peaks; its burst power rises by that clock ratio's share.
  const double clock_ratio = gb200->peak(Precision::bf16) / b200->peak(Precision::bf16);
  ASSERT_GT(clock_ratio, 1.0);
  const double gb200_burst_W = b200_burst_W / dynamic_power_share(1.0 / clock_ratio);
  GpuSpec probe;
  probe.idle_W = 0;
  probe.tdp_W = 1;
  const double expected = power_capped_speed(probe, (gb200->tdp_W - gb200->idle_W) / gb200_burst_W, 1.0);
  for (Precision p : {Precision::bf16, Precision::fp8, Precision::fp4}) {
    EXPECT_NEAR(gb200->sustained_ratio(p), expected, 2e-3) << to_string(p);
  }
  // A higher clock at a limit only 20% higher: the GB200 keeps a smaller share of its burst rate than the B200, yet
  // more absolute throughput.
  EXPECT_LT(gb200->sustained_ratio(Precision::bf16), b200->sustained_ratio(Precision::bf16));
  EXPECT_GT(gb200->sustained_ratio(Precision::bf16) * gb200->peak(Precision::bf16),
            b200->sustained_ratio(Precision::bf16) * b200->peak(Precision::bf16));
}

}  // namespace capsim::hw
