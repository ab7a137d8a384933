#include "kernels/memory_kernels.hpp"

namespace capsim::bench {

namespace {

// 16-byte loads and stores: the widest a thread can issue, so the kernels are bound by HBM, not by instructions.
__global__ void fill_value_kernel(float4* data, std::size_t n, float value) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    data[i] = make_float4(value, value, value, value);
  }
}

__global__ void copy_kernel(const float4* __restrict__ a, float4* __restrict__ c, std::size_t n) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    c[i] = a[i];
  }
}

__global__ void triad_kernel(float4* __restrict__ a, const float4* __restrict__ b, const float4* __restrict__ c,
                             float scalar, std::size_t n) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    const float4 x = b[i];
    const float4 y = c[i];
    a[i] = make_float4(x.x + scalar * y.x, x.y + scalar * y.y, x.z + scalar * y.z, x.w + scalar * y.w);
  }
}

}  // namespace

int stream_grid_blocks(int threads_per_block) {
  int device = 0;
  int sms = 0;
  int per_sm = 0;
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess ||
      cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, triad_kernel, threads_per_block, 0) != cudaSuccess) {
    return 0;
  }
  return sms * per_sm;
}

void launch_fill_value(float* data, std::size_t bytes, float value, int blocks, int threads, cudaStream_t stream) {
  fill_value_kernel<<<blocks, threads, 0, stream>>>(reinterpret_cast<float4*>(data), bytes / sizeof(float4), value);
}

void launch_copy(const float* a, float* c, std::size_t bytes, int blocks, int threads, cudaStream_t stream) {
  copy_kernel<<<blocks, threads, 0, stream>>>(reinterpret_cast<const float4*>(a), reinterpret_cast<float4*>(c),
                                              bytes / sizeof(float4));
}

void launch_triad(float* a, const float* b, const float* c, float scalar, std::size_t bytes, int blocks, int threads,
                  cudaStream_t stream) {
  triad_kernel<<<blocks, threads, 0, stream>>>(reinterpret_cast<float4*>(a), reinterpret_cast<const float4*>(b),
                                               reinterpret_cast<const float4*>(c), scalar, bytes / sizeof(float4));
}

}  // namespace capsim::bench
