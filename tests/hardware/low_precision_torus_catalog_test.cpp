// Issue 16's model changes that live in the hardware layer: FP4 training GEMMs on Blackwell at their measured rate
// (not the FP8 one doubled), the bytes TE's FP8 and NVFP4 recipes move to quantize GEMM inputs, and the TPU entries
// as tori.
#include <gtest/gtest.h>

#include "models/hardware/gemm_model.hpp"
#include "models/hardware/gpu_catalog.hpp"
#include "models/hardware/training_quantization.hpp"

namespace capsim::hw {
namespace CAPSIM_UNITY_ID {

TEST(Fp4Training, B200Fp4GemmAt8192CubedReproducesTheMeasuredCublasRate) {
  // cuBLASLt block-scaled FP4 on B200 at 8192^3: 5,239 TFLOP/s of 9,000 (deepseek-ai/DeepGEMM PR #348).
  const GpuSpec& b200 = *GpuCatalog::builtin().find("b200-sxm-180gb");
  const GemmModel model(b200, Clocks::burst);
  EXPECT_NEAR(model.efficiency({8192, 8192, 8192}, Precision::fp4) * b200.peak(Precision::fp4), 5239e12, 60e12);
}

TEST(Fp4Training, Fp4GemmsGainLessThanTwiceOverFp8OnBlackwell) {
  for (const char* id : {"b200-sxm-180gb", "gb200"}) {
    const GpuSpec& gpu = *GpuCatalog::builtin().find(id);
    const GemmModel model(gpu, Clocks::sustained);
    const GemmShape mlp{8192, 28672, 8192};  // a Llama 3 70B MLP up-projection of one 8K sequence
    const double fp4_s = model.gemm_time_s(mlp, Precision::fp4, gemm_operand_bytes(Precision::fp4));
    const double fp8_s = model.gemm_time_s(mlp, Precision::fp8, gemm_operand_bytes(Precision::fp8));
    EXPECT_GT(fp8_s / fp4_s, 1.3) << id;
    // The datasheet says 2; cuBLASLt's measured FP4 rate at 8192^3 (58% of the FP4 peak) against the FP8 cap (73%)
    // says about 1.6 (it was 2.31 when FP4 ran at the FP8 share of a doubled peak without the power-limit clock).
    EXPECT_LT(fp8_s / fp4_s, 1.9) << id;
  }
}

TEST(Fp4Training, QuantizationBytesFollowTransformerEngineRecipes) {
  EXPECT_DOUBLE_EQ(training_quantize_bytes(Precision::fp8), 6.0);    // amax, cast + transpose
  EXPECT_DOUBLE_EQ(training_quantize_bytes(Precision::fp4), 7.125);  // amaxes, row-wise cast, Hadamard column cast
  EXPECT_DOUBLE_EQ(training_quantize_bytes(Precision::bf16), 0.0);
  EXPECT_DOUBLE_EQ(gemm_operand_bytes(Precision::fp4), 0.5625);  // E2M1 plus an E4M3 scale per 16 values
  EXPECT_DOUBLE_EQ(gemm_operand_bytes(Precision::fp8), 1.0);
}

TEST(TorusCatalog, TpuSlicesAreToriOfTheirPublishedRank) {
  const GpuSpec& v5p = *GpuCatalog::builtin().find("tpu-v5p");
  EXPECT_EQ(v5p.scale_up.kind, ScaleUpKind::torus);
  EXPECT_EQ(v5p.scale_up.torus_rank, 3);
  EXPECT_EQ(v5p.scale_up.torus_wrap_multiple, 4);
  const GpuSpec& v6e = *GpuCatalog::builtin().find("tpu-v6e");
  EXPECT_EQ(v6e.scale_up.kind, ScaleUpKind::torus);
  EXPECT_EQ(v6e.scale_up.torus_rank, 2);
  EXPECT_EQ(v6e.scale_up.torus_wrap_multiple, 16);
  const GpuSpec& trn2 = *GpuCatalog::builtin().find("trn2");
  EXPECT_EQ(trn2.scale_up.kind, ScaleUpKind::torus);
  EXPECT_EQ(trn2.scale_up.torus_rank, 2);
  EXPECT_DOUBLE_EQ(trn2.scale_up.torus_node_link_Bps, 64e9);  // the UltraServer's ring of instances
}

}  // namespace
}  // namespace capsim::hw
