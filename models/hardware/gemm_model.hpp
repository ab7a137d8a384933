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

/// Per-GPU kernel cost model. Cheap to copy; evaluation does no allocation.
class GemmModel {
 public:
  explicit GemmModel(const GpuSpec& gpu);

  /// Share of the precision's dense peak this GEMM reaches when compute-bound (0..1).
  double efficiency(const GemmShape& shape, Precision math) const;
  /// Seconds for one (batched) GEMM whose operands are `element_bytes` wide, including launch overhead.
  double gemm_time_s(const GemmShape& shape, Precision math, double element_bytes) const;
  /// Seconds for a memory-bound kernel moving `bytes` to and from HBM, including launch overhead.
  double memory_time_s(double bytes) const;
  /// Seconds for `flops` at `efficiency` of the precision's peak (for fused kernels such as flash attention).
  double compute_time_s(double flops, Precision math, double efficiency) const;

  double kernel_overhead_s() const { return overhead_s_; }
  double hbm_Bps() const { return hbm_Bps_; }

 private:
  const GpuSpec* gpu_;
  double sms_;
  double hbm_Bps_;
  double overhead_s_;
};

}  // namespace capsim::hw
