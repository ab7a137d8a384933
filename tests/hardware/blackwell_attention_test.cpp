// Blackwell attention rates come from a measurement, not from the GEMM: on B200 the forward pass is bound by the SFU
// exponentials and the backward by shared memory (FlashAttention-4 paper), so FlashAttention's Hopper-era share of
// the best GEMM, scaled to Blackwell's 2.25x tensor cores, overstates it.
#include <gtest/gtest.h>

#include "models/hardware/gpu_catalog.hpp"

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
}  // namespace capsim::hw
