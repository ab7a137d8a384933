#pragma once
/// @file training_quantization.hpp
/// What a low-precision training GEMM costs beyond its math: the bytes Transformer Engine moves to quantize a 16-bit
/// operand before the GEMM, and the width of an operand as the tensor cores read it. Which GEMMs run low: in both
/// recipes below every linear layer of a transformer block runs forward (fprop), data-gradient (dgrad) and
/// weight-gradient (wgrad) GEMMs in the low format; attention, the embedding and the output layer stay in 16-bit
/// (TE's Float8CurrentScaling and NVFP4BlockScaling recipes, fp8_dpa off; Megatron-Bridge's bf16_with_fp8_current_
/// scaling_mixed and bf16_with_nvfp4_mixed, the latter keeping no first/last layers in BF16 by default).

#include "models/hardware/precision.hpp"

namespace capsim::hw {

/// HBM bytes per element moved to quantize one 16-bit GEMM input (an activation forward, an output gradient
/// backward) for `math`; 0 for 16-bit and wider math.
///  - fp8, per-tensor current scaling (Megatron-Bridge's default from 25.11): an amax pass reads the tensor (2), then
///    cast_transpose reads it again (2) and writes the fp8 copy (1) and its transpose (1), which the wgrad GEMM needs
///    because the FP8 tensor cores take K-major operands only: 6.
///  - fp4, NVFP4 (NVIDIA, "Pretraining Large Language Models with NVFP4", arXiv 2509.25149, 2025; TE's
///    NVFP4BlockScaling recipe): E2M1 values in 16-element blocks, each with an E4M3 scale (0.5 + 1/16 bytes per
///    element), under a per-tensor FP32 scale. The wgrad operands go through a 16x16 random Hadamard transform and
///    the gradients are rounded stochastically. TE's NVFP4Quantizer runs one pass for both per-tensor amaxes (of the
///    tensor and of its Hadamard transform, read 2), a row-wise cast for the fprop/dgrad copy (read 2, write 0.5625)
///    and a fused Hadamard-transform column-wise cast for the wgrad copy (read 2, write 0.5625): 7.125.
constexpr double training_quantize_bytes(Precision math) {
  return math == Precision::fp8 ? 2.0 + 2.0 + 1.0 + 1.0
         : math == Precision::fp4 ? 2.0 + (2.0 + 0.5 + 1.0 / 16) + (2.0 + 0.5 + 1.0 / 16)
                                  : 0.0;
}

/// Bytes per element of a GEMM operand as the tensor cores read it from HBM, block scales included: NVFP4 carries
/// one E4M3 scale per 16 values (0.5 + 1/16); other formats their element size.
inline double gemm_operand_bytes(Precision math) {
  return math == Precision::fp4 ? 0.5 + 1.0 / 16 : bytes_per_element(math);
}

}  // namespace capsim::hw
