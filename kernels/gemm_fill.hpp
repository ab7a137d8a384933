#pragma once
/// @file gemm_fill.hpp
/// Fills GEMM operands on the device with pseudo-random values, so that the measured GEMMs draw the power (and run
/// at the clocks) of real data: all-zero operands make tensor cores look faster than they are.

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

namespace capsim::bench {

/// Element formats the fill kernel can write.
enum class FillType { f32, f16, bf16, fp8_e4m3 };

/// Size of one element of `type`, in bytes.
std::size_t fill_type_bytes(FillType type);

/// Enqueues on `stream` a kernel writing `count` elements of `type` at `data`, uniform in [-1, 1), derived from
/// `seed` and the index. Launch errors surface at the caller's next CUDA check.
void fill_uniform(void* data, std::size_t count, FillType type, std::uint64_t seed, cudaStream_t stream);

}  // namespace capsim::bench
