#pragma once
/// @file calibration_fit.hpp
/// Reads raw kernel measurements ("capsim/calibration-raw/v1", written by kernels/capsim-bench-*) and fits them
/// into a CalibrationProfile by linear least squares (Eigen).
///
/// GEMM: time = flops / (peak x cap x wave(m, n)) x (1 + half_k / K) + overhead, where wave(m, n) is GemmModel's
/// tile and wave use. With a = 1/cap, b = half_k/cap and c = overhead this is linear in (a, b, c); each point is
/// weighted by 1/time so that small and large GEMMs count alike (relative residuals).

#include <string>
#include <vector>

#include "models/hardware/calibration_profile.hpp"
#include "models/hardware/gemm_model.hpp"

namespace capsim::hw {

/// One timed GEMM.
struct GemmPoint {
  GemmShape shape;
  Precision dtype = Precision::bf16;
  double time_s = 0;   ///< seconds per GEMM
  std::string origin;  ///< "file:line" or "file /measurements/3", for messages
};

/// One memory measurement of capsim-bench-memory.
struct MemoryPoint {
  std::string op;           ///< "copy", "triad", "memcpy_d2d", "h2d", "d2h", "bidir"
  double buffer_bytes = 0;  ///< array size, bytes
  double bandwidth_Bps = 0;
};

/// One raw measurement file.
struct RawCalibration {
  std::string file;
  std::string tool;  ///< "capsim-bench-gemm" or "capsim-bench-memory"
  CalibrationProvenance provenance;
  double l2_cache_bytes = 0;
  bool sample = false;  ///< a hand-made format example or synthetic data, not a measurement
  std::vector<GemmPoint> gemm;
  std::vector<MemoryPoint> memory;
};

/// Parses a raw document; `file` prefixes diagnostics. Throws capsim::InputError listing every problem.
RawCalibration raw_calibration_from_json(const nlohmann::json& doc, const std::string& file);
/// Reads a raw file. Throws capsim::InputError if it cannot be read or is invalid.
RawCalibration read_raw_calibration(const std::string& path);

/// GemmModel's tile and wave use of `shape` (0..1), without the K-loop factor and the efficiency cap.
double gemm_wave_use(const GpuSpec& gpu, const GemmShape& shape, Precision p);
/// The half_k GemmModel uses for `p` on `gpu`, elements.
double gemm_model_half_k(const GpuSpec& gpu, Precision p);

/// Fits one precision's points (all of dtype `p`). With fewer than 3 usable points or shapes that do not vary K,
/// half_k is held at the model's value. Throws capsim::InputError if no point is usable.
GemmEfficiencyFit fit_gemm(const GpuSpec& gpu, Precision p, const std::vector<GemmPoint>& points);

/// Fits every precision and the memory figures of `raws` plus `extra_gemm` (e.g. from a CSV) for `gpu`. The
/// provenance comes from the first raw file; files from different devices are refused (capsim::InputError).
CalibrationProfile fit_profile(const GpuSpec& gpu, const std::vector<RawCalibration>& raws,
                               const std::vector<GemmPoint>& extra_gemm = {});

}  // namespace capsim::hw
