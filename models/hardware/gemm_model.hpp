#pragma once
/// @file gemm_model.hpp
/// Time of one GEMM and of one memory-bound kernel on one GPU.
///
/// GEMM time = max(compute time, HBM time) + launch overhead, where compute time uses the GPU's best measured GEMM
/// efficiency (MAMF) derated by two mechanisms every tiled GEMM kernel has:
///  - wave quantization: output tiles are dealt to SMs in waves, and a partial last wave idles SMs (the kernel
///    picks the tile shape that wastes least);
///  - the K loop: a tile's prologue and epilogue (loading the first fragments, writing C) are amortized over K.
/// Nothing here is fitted to a workload: the inputs are datasheet peaks, SM counts and measured GEMM/HBM figures.

#include "models/hardware/gpu.hpp"

namespace capsim::hw {

/// Shape of C[m x n] = A[m x k] * B[k x n], repeated `batch` times (batched GEMM).
struct GemmShape {
  double m = 0;
  double n = 0;
  double k = 0;
  double batch = 1;

  double flops() const { return 2.0 * m * n * k * batch; }
};

/// Flash attention's backward pass recomputes the scores: it executes 2.5x the forward FLOPs (FlashAttention-2's
/// benchmarks count it so, and so does cuDNN's).
inline constexpr double kFlashBackwardFlopRatio = 2.5;

/// Forward FLOPs of fused (flash) attention of `sq` queries over `skv` keys as the analytical model counts them:
/// 4 x batch x heads x sq x skv x head_dim, times, when causal, the share of score blocks computed: those above the
/// diagonal are skipped, the diagonal ones (128 wide) computed whole, so min(1, (1 + 128 / sq) / 2).
double flash_attention_flops(double batch, double heads, double sq, double skv, double head_dim, bool causal = true);
/// Share of its head_dim-128 efficiency that flash attention reaches with `head_dim`: narrow heads under-fill the
/// tensor cores (1 from 128 up, 0.75 + 0.25 x head_dim / 128 below).
double flash_head_factor(double head_dim);

/// The clock tensor-core kernels run at.
enum class Clocks {
  burst,      ///< the boost clock of short samples (the MAMF and calibration sweeps): serving batches, benchmarks
  /// the clock a GEMM keeps when held at the board's power limit (GpuSpec::sustained_gemm_ratio): a training step
  /// runs seconds of back-to-back GEMMs, longer than the power controller's averaging window
  sustained,
};

/// Per-GPU kernel cost model. Cheap to copy; evaluation does no allocation.
class GemmModel {
 public:
  explicit GemmModel(const GpuSpec& gpu, Clocks clocks = Clocks::burst);

  /// Share of the precision's dense peak this GEMM reaches when compute-bound (0..1).
  double efficiency(const GemmShape& shape, Precision math) const;
  /// Seconds for one (batched) GEMM whose operands are `element_bytes` wide, including launch overhead.
  double gemm_time_s(const GemmShape& shape, Precision math, double element_bytes) const;
  /// Seconds for a memory-bound kernel (norm, activation, residual add, optimizer step) moving `bytes` to and from
  /// HBM, including launch overhead: at the GPU's measured element-wise bandwidth when a calibration profile gives
  /// one, else at the streaming HBM bandwidth.
  double memory_time_s(double bytes) const;
  /// Seconds for `flops` at `efficiency` of the precision's peak (for fused kernels such as flash attention).
  double compute_time_s(double flops, Precision math, double efficiency) const;

  /// K at which the K loop halves a tile's efficiency for `math`, elements: the GPU's fitted value when it has
  /// one, else derived from the SM's peak rate.
  double half_k(Precision math) const;

  double kernel_overhead_s() const { return overhead_s_; }
  double hbm_Bps() const { return hbm_Bps_; }
  /// Bandwidth memory-bound kernels reach, bytes/s.
  double elementwise_Bps() const { return elementwise_Bps_; }

 private:
  const GpuSpec* gpu_;
  double sms_;
  double clock_ratio_[8];  ///< per Precision: sustained_gemm_ratio under Clocks::sustained, else 1
  // Per Precision, looked up once here rather than in the GPU's maps on every GEMM (design-space search evaluates
  // millions): the efficiency cap times the clock ratio, the K-loop half point, and the dense peak (0 when the GPU
  // lacks the math mode: GpuSpec::peak then says so).
  double cap_[8];
  double half_k_[8];
  double peak_[8];
  double hbm_Bps_;
  double elementwise_Bps_;
  double overhead_s_;
};

}  // namespace capsim::hw
