#pragma once
/// @file bf16_host.hpp
/// BF16 on the host, as raw 16-bit patterns: the benchmarks fill and check device tensors with these, and keep
/// cuda_bf16.h out of their host code.

#include <cstdint>
#include <cstring>

namespace capsim::bench {

/// `value` rounded to BF16, nearest even (finite inputs).
inline std::uint16_t to_bf16(float value) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<std::uint16_t>(bits >> 16);
}

/// The float a BF16 pattern stands for (exact).
inline float from_bf16(std::uint16_t value) {
  const std::uint32_t bits = static_cast<std::uint32_t>(value) << 16;
  float out = 0.0f;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

}  // namespace capsim::bench
