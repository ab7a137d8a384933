#include "models/hardware/gemm_model.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "models/hardware/gpu_catalog.hpp"

namespace capsim::hw {
namespace CAPSIM_UNITY_ID {

const GpuSpec& h100() { return *GpuCatalog::builtin().find("h100-sxm5-80gb"); }

// The tile loop is memoised per thread (a search repeats the same GEMM shapes millions of times): a remembered
// answer must be the one for that GPU's SM count, and a thread with a cold memo must compute the same figure.
TEST(GemmModel, MemoisedTileEfficiencyKeepsGpusAndThreadsApart) {
  const GemmModel h(h100());
  const GpuSpec& a100 = *GpuCatalog::builtin().find("a100-sxm4-80gb");
  const GemmModel a(a100);
  // 256 x 128 tiles: 132 tiles fill one H100 wave exactly and spill over the A100's 108 SMs.
  const GemmShape shape{256, 128 * 132, 8192};
  const double h_first = h.efficiency(shape, Precision::bf16);
  const double a_eff = a.efficiency(shape, Precision::bf16) / a100.gemm_efficiency_cap(Precision::bf16);
  const double h_again = h.efficiency(shape, Precision::bf16);
  EXPECT_EQ(h_first, h_again);
  EXPECT_LT(a_eff, 0.9 * h_first / h100().gemm_efficiency_cap(Precision::bf16));
  double other_thread = 0;
  std::thread([&] { other_thread = h.efficiency(shape, Precision::bf16); }).join();
  EXPECT_EQ(other_thread, h_first);
  // Many shapes through the 1,024-entry memo and back: every answer is stable.
  std::vector<double> first;
  for (int m = 1; m <= 3000; m += 7) first.push_back(h.efficiency({double(m), 4096, 8192}, Precision::bf16));
  std::size_t i = 0;
  for (int m = 1; m <= 3000; m += 7) EXPECT_EQ(h.efficiency({double(m), 4096, 8192}, Precision::bf16), first[i++]);
}

TEST(GemmModel, LargeSquareGemmApproachesTheMeasuredBest) {
  const GemmModel model(h100());
  const double eff = model.efficiency({8192, 8192, 8192}, Precision::bf16);
  EXPECT_GT(eff, 0.9 * h100().gemm_efficiency_cap(Precision::bf16));
  EXPECT_LE(eff, h100().gemm_efficiency_cap(Precision::bf16));
}

TEST(GemmModel, OneTileMoreThanAFullWaveCostsEfficiency) {
  const GemmModel model(h100());
  const double sms = h100().sm_count;
  // 256x128 tiles: exactly one full wave vs. one wave plus a single extra tile.
  const double full = model.efficiency({256, 128 * sms, 4096}, Precision::bf16);
  const double spill = model.efficiency({256, 128 * (sms + 1), 4096}, Precision::bf16);
  EXPECT_LT(spill, 0.95 * full);
}

TEST(GemmModel, ShallowKIsLessEfficient) {
  const GemmModel model(h100());
  EXPECT_LT(model.efficiency({8192, 8192, 64}, Precision::bf16),
            0.6 * model.efficiency({8192, 8192, 8192}, Precision::bf16));
}

TEST(GemmModel, SkinnyGemmIsBoundByHbm) {
  const GemmModel model(h100());
  const GemmShape gemv{1, 8192, 8192};
  const double bytes = (1 * 8192 + 8192.0 * 8192 + 8192) * 2;
  EXPECT_NEAR(model.gemm_time_s(gemv, Precision::bf16, 2), bytes / model.hbm_Bps() + model.kernel_overhead_s(),
              1e-12);
}

TEST(GemmModel, Fp8RunsFasterThanBf16WhenComputeBound) {
  const GemmModel model(h100());
  const GemmShape s{8192, 8192, 8192};
  EXPECT_LT(model.gemm_time_s(s, Precision::fp8, 1), 0.6 * model.gemm_time_s(s, Precision::bf16, 2));
}

TEST(GemmModel, AFittedHalfKReplacesTheDerivedOne) {
  GpuSpec gpu = h100();
  gpu.gemm_half_k[Precision::bf16] = 64;
  const GemmModel model(gpu);
  EXPECT_DOUBLE_EQ(model.half_k(Precision::bf16), 64);
  const double deep = model.efficiency({8192, 8192, 1e12}, Precision::bf16);
  EXPECT_NEAR(model.efficiency({8192, 8192, 64}, Precision::bf16) / deep, 0.5, 1e-9);
  EXPECT_DOUBLE_EQ(model.half_k(Precision::fp8), GemmModel(h100()).half_k(Precision::fp8));
  // The catalog's H100 carries its calibration's fitted points; without them the model derives its own.
  EXPECT_DOUBLE_EQ(GemmModel(h100()).half_k(Precision::bf16), 151.8);
  GpuSpec derived = h100();
  derived.gemm_half_k.clear();
  EXPECT_GT(GemmModel(derived).half_k(Precision::bf16), 200);  // ~250 for H100 BF16
}

TEST(GemmModel, MemoryBoundKernelsUseTheElementwiseBandwidthWhenMeasured) {
  GpuSpec gpu = h100();
  EXPECT_DOUBLE_EQ(GemmModel(gpu).memory_time_s(2.84e9), 1e-3 + gpu.kernel_overhead_s);  // measured element-wise
  gpu.elementwise_Bps = 0;
  EXPECT_DOUBLE_EQ(GemmModel(gpu).memory_time_s(2.90e9), 1e-3 + gpu.kernel_overhead_s);  // hbm_achieved_Bps
  gpu.elementwise_Bps = 2e12;
  const GemmModel model(gpu);
  EXPECT_DOUBLE_EQ(model.memory_time_s(2e9), 1e-3 + gpu.kernel_overhead_s);
  const GemmShape gemv{1, 8192, 8192};
  const double bytes = (1 * 8192 + 8192.0 * 8192 + 8192) * 2;
  EXPECT_NEAR(model.gemm_time_s(gemv, Precision::bf16, 2), bytes / 2.90e12 + gpu.kernel_overhead_s, 1e-12);
}

TEST(GemmModel, FlashAttentionFlopsCountTheCausalDiagonalBlocksWhole) {
  EXPECT_DOUBLE_EQ(flash_attention_flops(2, 32, 8192, 8192, 128), 4.0 * 2 * 32 * 8192 * 8192 * 128 * 0.5078125);
  EXPECT_DOUBLE_EQ(flash_attention_flops(1, 1, 64, 64, 128), 4.0 * 64 * 64 * 128);  // one block: all of it
  EXPECT_DOUBLE_EQ(flash_attention_flops(1, 1, 4096, 4096, 128, false), 4.0 * 4096 * 4096 * 128);
  EXPECT_DOUBLE_EQ(flash_head_factor(128), 1.0);
  EXPECT_DOUBLE_EQ(flash_head_factor(256), 1.0);
  EXPECT_DOUBLE_EQ(flash_head_factor(64), 0.875);
}

}  // namespace
}  // namespace capsim::hw
