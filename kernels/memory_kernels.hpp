#pragma once
/// @file memory_kernels.hpp
/// STREAM-like device kernels (McCalpin's copy and triad) over float4 vectors, with grid-stride loops.
/// Every size is in bytes and must be a multiple of 16; every launch is enqueued on `stream`.

#include <cuda_runtime_api.h>

#include <cstddef>

namespace capsim::bench {

/// Blocks for a grid that fills every SM of the current device at full occupancy with `threads_per_block`.
int stream_grid_blocks(int threads_per_block);

/// Sets every float of `data` to `value`.
void launch_fill_value(float* data, std::size_t bytes, float value, int blocks, int threads, cudaStream_t stream);

/// STREAM copy: c[i] = a[i]. Moves 2 x `bytes` through HBM.
void launch_copy(const float* a, float* c, std::size_t bytes, int blocks, int threads, cudaStream_t stream);

/// STREAM triad: a[i] = b[i] + scalar * c[i]. Moves 3 x `bytes` through HBM.
void launch_triad(float* a, const float* b, const float* c, float scalar, std::size_t bytes, int blocks, int threads,
                  cudaStream_t stream);

}  // namespace capsim::bench
