#include "kernels/gemm_fill.hpp"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

namespace capsim::bench {

namespace {

// SplitMix64 finalizer (Steele, Lea, Flood 2014): a cheap, well-mixed hash of the element index.
__device__ inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

template <typename T>
__global__ void fill_kernel(T* data, std::size_t count, std::uint64_t seed) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride) {
    const float u = static_cast<float>(mix64(seed ^ i) >> 40) * (2.0f / 16777216.0f) - 1.0f;
    data[i] = T(u);
  }
}

template <typename T>
void launch_fill(void* data, std::size_t count, std::uint64_t seed, cudaStream_t stream) {
  constexpr int kThreads = 256;
  // Grid-stride loop: enough blocks to fill any GPU, never more than the data needs.
  const std::size_t needed = (count + kThreads - 1) / kThreads;
  const unsigned blocks = static_cast<unsigned>(needed < 65536 ? (needed > 0 ? needed : 1) : 65536);
  fill_kernel<T><<<blocks, kThreads, 0, stream>>>(static_cast<T*>(data), count, seed);
}

}  // namespace

std::size_t fill_type_bytes(FillType type) {
  switch (type) {
    case FillType::f32:
      return 4;
    case FillType::f16:
    case FillType::bf16:
      return 2;
    case FillType::fp8_e4m3:
      return 1;
  }
  return 0;
}

void fill_uniform(void* data, std::size_t count, FillType type, std::uint64_t seed, cudaStream_t stream) {
  if (count == 0) return;
  switch (type) {
    case FillType::f32:
      launch_fill<float>(data, count, seed, stream);
      break;
    case FillType::f16:
      launch_fill<__half>(data, count, seed, stream);
      break;
    case FillType::bf16:
      launch_fill<__nv_bfloat16>(data, count, seed, stream);
      break;
    case FillType::fp8_e4m3:
      launch_fill<__nv_fp8_e4m3>(data, count, seed, stream);
      break;
  }
}

}  // namespace capsim::bench
