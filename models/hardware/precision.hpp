#pragma once
/// @file precision.hpp
/// Numeric formats a GPU computes in, and their sizes.

#include <optional>
#include <string_view>

namespace capsim::hw {

/// A numeric format for math and storage. fp8 is E4M3/E5M2 (same size and peak); int4 is 4-bit weights.
enum class Precision { fp32, tf32, fp16, bf16, fp8, fp4, int8, int4 };

/// Canonical lower-case name: "bf16", "fp8", ...
std::string_view to_string(Precision p);
/// Parses a canonical name (case-insensitive; "e4m3" and "e5m2" map to fp8). std::nullopt if unknown.
std::optional<Precision> precision_from_string(std::string_view name);
/// Storage size of one element, in bytes (0.5 for 4-bit formats).
double bytes_per_element(Precision p);

}  // namespace capsim::hw
