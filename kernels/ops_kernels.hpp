#pragma once
/// @file ops_kernels.hpp
/// The memory-bound kernels of a transformer layer, for capsim-bench-ops: layer norm, RMS norm, SwiGLU, GELU,
/// residual add and an FP32 -> BF16 cast. BF16 in and out, FP32 math, 16-byte loads and stores of eight BF16 values,
/// so that they run at close to HBM bandwidth, as the fused kernels of a training framework do.
///
/// BF16 tensors are passed as their 16-bit patterns (std::uint16_t), which keeps cuda_bf16.h out of the host code.
/// Tensors are row-major; every column count and element count must be a multiple of 8 (kOpsVector), and every
/// pointer 16-byte aligned (cudaMalloc's are). Every launch is enqueued on `stream`; launch errors surface at the
/// caller's next CUDA check.

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

namespace capsim::bench {

/// Threads per block of every kernel here.
inline constexpr int kOpsThreadsPerBlock = 256;
/// BF16 values per 16-byte load or store.
inline constexpr int kOpsVector = 8;
/// Widest row the norms take: each of a row's 256 threads keeps up to 16 vectors of 8 values in registers.
inline constexpr int kNormMaxCols = kOpsThreadsPerBlock * 16 * kOpsVector;

/// Whether the norm kernels take rows of `cols` values.
constexpr bool norm_cols_supported(int cols) { return cols > 0 && cols % kOpsVector == 0 && cols <= kNormMaxCols; }

/// Blocks for a grid-stride grid that fills every SM of the current device at full occupancy (the element-wise
/// kernels); 0 if the device cannot be queried.
int ops_grid_blocks();

/// Writes `count` BF16 values, uniform in [-1, 1), from a hash of `seed` and the index (deterministic).
void launch_fill_bf16(std::uint16_t* data, std::size_t count, std::uint64_t seed, int blocks, cudaStream_t stream);

/// The FP32 version of launch_fill_bf16.
void launch_fill_f32(float* data, std::size_t count, std::uint64_t seed, int blocks, cudaStream_t stream);

/// Layer norm forward: y = (x - mean) / sqrt(var + eps) * gamma + beta per row of `cols` (biased variance). One
/// block per row; needs norm_cols_supported(cols).
void launch_layernorm(const std::uint16_t* x, const std::uint16_t* gamma, const std::uint16_t* beta, std::uint16_t* y,
                      int rows, int cols, float eps, cudaStream_t stream);

/// RMS norm forward: y = x / sqrt(mean(x^2) + eps) * gamma per row of `cols`. One block per row; needs
/// norm_cols_supported(cols).
void launch_rmsnorm(const std::uint16_t* x, const std::uint16_t* gamma, std::uint16_t* y, int rows, int cols, float eps,
                    cudaStream_t stream);

/// SwiGLU: out[r, c] = silu(in[r, c]) * in[r, cols + c], with `in` rows x 2 cols (gate then up, as a fused
/// gate-and-up projection writes them) and `out` rows x cols.
void launch_swiglu(const std::uint16_t* in, std::uint16_t* out, int rows, int cols, cudaStream_t stream);

/// GELU, tanh form: out = 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))), over `count` values.
void launch_gelu(const std::uint16_t* in, std::uint16_t* out, std::size_t count, int blocks, cudaStream_t stream);

/// Residual add: out = a + b, over `count` values.
void launch_residual_add(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out, std::size_t count,
                         int blocks, cudaStream_t stream);

/// FP32 -> BF16 cast, rounding to nearest even, over `count` values.
void launch_cast_f32_bf16(const float* in, std::uint16_t* out, std::size_t count, int blocks, cudaStream_t stream);

}  // namespace capsim::bench
