#pragma once
/// @file gemm_csv_import.hpp
/// Reads GEMM timings people already have, as CSV with a header: `m,n,k,dtype,time_s[,tflops]` (columns in any
/// order; `tflops`, if present, is checked against 2mnk / time_s). Lines starting with '#' are comments.

#include <string>
#include <string_view>
#include <vector>

#include "models/hardware/calibration_fit.hpp"

namespace capsim::hw {

/// Parses CSV text. Throws capsim::InputError listing every bad line, each with `file` and its 1-based line number.
std::vector<GemmPoint> parse_gemm_csv(std::string_view text, const std::string& file);
/// Reads and parses the file at `path`.
std::vector<GemmPoint> read_gemm_csv(const std::string& path);

}  // namespace capsim::hw
