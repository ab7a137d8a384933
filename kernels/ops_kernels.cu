/// @file ops_kernels.cu
/// Kernels of capsim-bench-ops (see ops_kernels.hpp): transformer-layer norms and element-wise ops on BF16 data with
/// FP32 math. Each thread moves whole 16-byte vectors of eight BF16 values, the widest access a thread can issue, so
/// that the kernels are bound by HBM rather than by instructions. Only kernels and thin launchers live here; the
/// benchmark logic is in bench_ops.cpp.

#include <cuda_bf16.h>

#include "kernels/ops_kernels.hpp"

namespace capsim::bench {

namespace {

constexpr int kThreads = kOpsThreadsPerBlock;
constexpr int kWarps = kThreads / 32;
/// Vectors a thread of the element-wise kernels loads before it stores (more loads in flight per thread).
constexpr int kUnroll = 4;

// SplitMix64 finalizer (Steele, Lea, Flood 2014): a cheap, well-mixed hash of the element index.
__device__ inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

__device__ inline std::size_t first_index() { return static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; }

__device__ inline std::size_t grid_stride() { return static_cast<std::size_t>(gridDim.x) * blockDim.x; }

/// The eight BF16 values of a 16-byte vector, as floats.
__device__ inline void unpack(const uint4& vector, float (&out)[kOpsVector]) {
  const auto* pairs = reinterpret_cast<const __nv_bfloat162*>(&vector);
#pragma unroll
  for (int i = 0; i < kOpsVector / 2; ++i) {
    const float2 pair = __bfloat1622float2(pairs[i]);
    out[2 * i] = pair.x;
    out[2 * i + 1] = pair.y;
  }
}

/// Eight floats rounded to BF16 (nearest even) in one 16-byte vector.
__device__ inline uint4 pack(const float (&in)[kOpsVector]) {
  uint4 vector;
  auto* pairs = reinterpret_cast<__nv_bfloat162*>(&vector);
#pragma unroll
  for (int i = 0; i < kOpsVector / 2; ++i) pairs[i] = __floats2bfloat162_rn(in[2 * i], in[2 * i + 1]);
  return vector;
}

__device__ inline float warp_sum(float value) {
#pragma unroll
  for (int offset = 16; offset > 0; offset >>= 1) value += __shfl_xor_sync(0xffffffffu, value, offset);
  return value;
}

/// Sum of `value` over the block, returned to every thread. Every thread of the block must call it.
__device__ inline float block_sum(float value, float* partial) {
  value = warp_sum(value);
  const int lane = threadIdx.x % 32;
  if (lane == 0) partial[threadIdx.x / 32] = value;
  __syncthreads();
  value = warp_sum(lane < kWarps ? partial[lane] : 0.0f);
  __syncthreads();  // `partial` may be written again by the next call
  return value;
}

template <typename T>
__global__ void fill_kernel(T* data, std::size_t count, std::uint64_t seed) {
  for (std::size_t i = first_index(); i < count; i += grid_stride()) {
    const float u = static_cast<float>(mix64(seed ^ i) >> 40) * (2.0f / 16777216.0f) - 1.0f;
    data[i] = static_cast<T>(u);
  }
}

/// One block per row. The row stays in registers between the reductions and the normalisation, so it is read from
/// memory once: thread t holds vectors t, t + kThreads, ... (kVecs of them, coalesced across the block).
template <int kVecs, bool kLayerNorm>
__global__ void __launch_bounds__(kThreads)
    norm_kernel(const uint4* __restrict__ x, const uint4* __restrict__ gamma, const uint4* __restrict__ beta,
                uint4* __restrict__ y, int vecs_per_row, float inv_cols, float eps) {
  __shared__ float partial[kWarps];
  const std::size_t base = static_cast<std::size_t>(blockIdx.x) * vecs_per_row;
  float v[kVecs][kOpsVector];
  float sum = 0.0f;
#pragma unroll
  for (int k = 0; k < kVecs; ++k) {
    const int c = threadIdx.x + k * kThreads;
    if (c < vecs_per_row) {
      unpack(x[base + c], v[k]);
    } else {
#pragma unroll
      for (int i = 0; i < kOpsVector; ++i) v[k][i] = 0.0f;
    }
#pragma unroll
    for (int i = 0; i < kOpsVector; ++i) sum += v[k][i];
  }
  // Layer norm takes the variance around the mean in a second pass over the registers (no E[x^2] - E[x]^2
  // cancellation); RMS norm needs only the mean square.
  const float mean = kLayerNorm ? block_sum(sum, partial) * inv_cols : 0.0f;
  float squares = 0.0f;
#pragma unroll
  for (int k = 0; k < kVecs; ++k) {
    if (threadIdx.x + k * kThreads >= vecs_per_row) continue;
#pragma unroll
    for (int i = 0; i < kOpsVector; ++i) squares += (v[k][i] - mean) * (v[k][i] - mean);
  }
  const float rstd = rsqrtf(block_sum(squares, partial) * inv_cols + eps);
#pragma unroll
  for (int k = 0; k < kVecs; ++k) {
    const int c = threadIdx.x + k * kThreads;
    if (c >= vecs_per_row) continue;
    float g[kOpsVector];
    float b[kOpsVector] = {};
    unpack(gamma[c], g);
    if (kLayerNorm) unpack(beta[c], b);
    float out[kOpsVector];
#pragma unroll
    for (int i = 0; i < kOpsVector; ++i) out[i] = (v[k][i] - mean) * rstd * g[i] + b[i];
    y[base + c] = pack(out);
  }
}

__device__ inline float silu(float x) { return __fdividef(x, 1.0f + __expf(-x)); }

/// tanh.approx (one MUFU instruction on sm_75 and newer, relative error about 2^-11, well below BF16's 2^-9 rounding);
/// elsewhere tanh(u) = 1 - 2 / (1 + e^(2u)), where __fdividef's 0 for an infinite divisor gives exactly 1.
__device__ inline float fast_tanh(float u) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 750
  float t;
  asm("tanh.approx.f32 %0, %1;" : "=f"(t) : "f"(u));
  return t;
#else
  return 1.0f - __fdividef(2.0f, 1.0f + __expf(2.0f * u));
#endif
}

__device__ inline float gelu_tanh(float x) {
  const float u = 0.7978845608028654f * (x + 0.044715f * x * x * x);
  return 0.5f * x * (1.0f + fast_tanh(u));
}

/// grid.x covers the vectors of a row, grid.y strides over rows: no division per element.
__global__ void swiglu_kernel(const uint4* __restrict__ in, uint4* __restrict__ out, int rows, int vecs_per_row) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= vecs_per_row) return;
  for (int row = blockIdx.y; row < rows; row += gridDim.y) {
    const std::size_t in_base = static_cast<std::size_t>(row) * 2 * vecs_per_row;
    float gate[kOpsVector];
    float up[kOpsVector];
    unpack(in[in_base + c], gate);
    unpack(in[in_base + vecs_per_row + c], up);
    float result[kOpsVector];
#pragma unroll
    for (int i = 0; i < kOpsVector; ++i) result[i] = silu(gate[i]) * up[i];
    out[static_cast<std::size_t>(row) * vecs_per_row + c] = pack(result);
  }
}

/// Grid-stride loop over `vectors` that issues the loads of kUnroll vectors before the first store, so that each
/// thread keeps kUnroll loads in flight instead of one. `load(i)` returns a `Loaded`; `store(i, loaded)` computes and
/// writes vector i.
template <typename Loaded, typename Load, typename Store>
__device__ inline void unrolled_grid_stride(std::size_t vectors, Load load, Store store) {
  const std::size_t stride = grid_stride();
  for (std::size_t base = first_index(); base < vectors; base += kUnroll * stride) {
    Loaded loaded[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      if (base + u * stride < vectors) loaded[u] = load(base + u * stride);
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      if (base + u * stride < vectors) store(base + u * stride, loaded[u]);
    }
  }
}

__global__ void gelu_kernel(const uint4* __restrict__ in, uint4* __restrict__ out, std::size_t vectors) {
  unrolled_grid_stride<uint4>(
      vectors, [=](std::size_t i) { return in[i]; },
      [=](std::size_t i, const uint4& x) {
        float v[kOpsVector];
        unpack(x, v);
#pragma unroll
        for (int j = 0; j < kOpsVector; ++j) v[j] = gelu_tanh(v[j]);
        out[i] = pack(v);
      });
}

struct VectorPair {
  uint4 a, b;
};

__global__ void residual_add_kernel(const uint4* __restrict__ a, const uint4* __restrict__ b, uint4* __restrict__ out,
                                    std::size_t vectors) {
  unrolled_grid_stride<VectorPair>(
      vectors,
      [=](std::size_t i) {
        return VectorPair{a[i], b[i]};
      },
      [=](std::size_t i, const VectorPair& in) {
        float x[kOpsVector];
        float y[kOpsVector];
        unpack(in.a, x);
        unpack(in.b, y);
#pragma unroll
        for (int j = 0; j < kOpsVector; ++j) x[j] += y[j];
        out[i] = pack(x);
      });
}

struct Float8 {
  float4 lo, hi;
};

__global__ void cast_kernel(const float4* __restrict__ in, uint4* __restrict__ out, std::size_t vectors) {
  unrolled_grid_stride<Float8>(
      vectors,
      [=](std::size_t i) {
        return Float8{in[2 * i], in[2 * i + 1]};
      },
      [=](std::size_t i, const Float8& x) {
        const float v[kOpsVector] = {x.lo.x, x.lo.y, x.lo.z, x.lo.w, x.hi.x, x.hi.y, x.hi.z, x.hi.w};
        out[i] = pack(v);
      });
}

template <typename T>
void launch_fill(T* data, std::size_t count, std::uint64_t seed, int blocks, cudaStream_t stream) {
  fill_kernel<T><<<blocks, kThreads, 0, stream>>>(data, count, seed);
}

template <bool kLayerNorm>
void launch_norm(const std::uint16_t* x, const std::uint16_t* gamma, const std::uint16_t* beta, std::uint16_t* y,
                 int rows, int cols, float eps, cudaStream_t stream) {
  const int vecs = cols / kOpsVector;
  const int per_thread = (vecs + kThreads - 1) / kThreads;
  const auto* xv = reinterpret_cast<const uint4*>(x);
  const auto* gv = reinterpret_cast<const uint4*>(gamma);
  const auto* bv = reinterpret_cast<const uint4*>(beta);
  auto* yv = reinterpret_cast<uint4*>(y);
  const float inv_cols = 1.0f / static_cast<float>(cols);
  // The fewest registers that hold the row: 4096 columns take 2 vectors a thread, 16384 take 8.
  if (per_thread <= 1) {
    norm_kernel<1, kLayerNorm><<<rows, kThreads, 0, stream>>>(xv, gv, bv, yv, vecs, inv_cols, eps);
  } else if (per_thread <= 2) {
    norm_kernel<2, kLayerNorm><<<rows, kThreads, 0, stream>>>(xv, gv, bv, yv, vecs, inv_cols, eps);
  } else if (per_thread <= 4) {
    norm_kernel<4, kLayerNorm><<<rows, kThreads, 0, stream>>>(xv, gv, bv, yv, vecs, inv_cols, eps);
  } else if (per_thread <= 8) {
    norm_kernel<8, kLayerNorm><<<rows, kThreads, 0, stream>>>(xv, gv, bv, yv, vecs, inv_cols, eps);
  } else {
    norm_kernel<16, kLayerNorm><<<rows, kThreads, 0, stream>>>(xv, gv, bv, yv, vecs, inv_cols, eps);
  }
}

}  // namespace

int ops_grid_blocks() {
  int device = 0;
  int sms = 0;
  int per_sm = 0;
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess ||
      cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, residual_add_kernel, kThreads, 0) != cudaSuccess) {
    return 0;
  }
  return sms * per_sm;
}

void launch_fill_bf16(std::uint16_t* data, std::size_t count, std::uint64_t seed, int blocks, cudaStream_t stream) {
  launch_fill(reinterpret_cast<__nv_bfloat16*>(data), count, seed, blocks, stream);
}

void launch_fill_f32(float* data, std::size_t count, std::uint64_t seed, int blocks, cudaStream_t stream) {
  launch_fill(data, count, seed, blocks, stream);
}

void launch_layernorm(const std::uint16_t* x, const std::uint16_t* gamma, const std::uint16_t* beta, std::uint16_t* y,
                      int rows, int cols, float eps, cudaStream_t stream) {
  launch_norm<true>(x, gamma, beta, y, rows, cols, eps, stream);
}

void launch_rmsnorm(const std::uint16_t* x, const std::uint16_t* gamma, std::uint16_t* y, int rows, int cols, float eps,
                    cudaStream_t stream) {
  launch_norm<false>(x, gamma, nullptr, y, rows, cols, eps, stream);
}

void launch_swiglu(const std::uint16_t* in, std::uint16_t* out, int rows, int cols, cudaStream_t stream) {
  const int vecs = cols / kOpsVector;
  const dim3 grid((vecs + kThreads - 1) / kThreads, rows < 65535 ? rows : 65535);
  swiglu_kernel<<<grid, kThreads, 0, stream>>>(reinterpret_cast<const uint4*>(in), reinterpret_cast<uint4*>(out), rows,
                                               vecs);
}

void launch_gelu(const std::uint16_t* in, std::uint16_t* out, std::size_t count, int blocks, cudaStream_t stream) {
  gelu_kernel<<<blocks, kThreads, 0, stream>>>(reinterpret_cast<const uint4*>(in), reinterpret_cast<uint4*>(out),
                                               count / kOpsVector);
}

void launch_residual_add(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out, std::size_t count,
                         int blocks, cudaStream_t stream) {
  residual_add_kernel<<<blocks, kThreads, 0, stream>>>(reinterpret_cast<const uint4*>(a),
                                                       reinterpret_cast<const uint4*>(b), reinterpret_cast<uint4*>(out),
                                                       count / kOpsVector);
}

void launch_cast_f32_bf16(const float* in, std::uint16_t* out, std::size_t count, int blocks, cudaStream_t stream) {
  cast_kernel<<<blocks, kThreads, 0, stream>>>(reinterpret_cast<const float4*>(in), reinterpret_cast<uint4*>(out),
                                               count / kOpsVector);
}

}  // namespace capsim::bench
