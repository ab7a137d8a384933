#pragma once
/// @file calibration_profile.hpp
/// A calibration profile ("capsim/calibration-profile/v1"): what `capsim calibrate` measured on one GPU type and the
/// curves fitted to it. A profile replaces datasheet and published figures of its own GPU type only.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "models/hardware/cluster.hpp"
#include "models/hardware/gpu.hpp"

namespace capsim::hw {

/// Where and how the measurements were taken.
struct CalibrationProvenance {
  std::string device;          ///< device name the driver reports, e.g. "NVIDIA H100 80GB HBM3"
  std::string driver_version;  ///< e.g. "13.0"
  std::string cuda_version;    ///< CUDA runtime version
  double sm_clock_Hz = 0;      ///< peak SM clock the driver reports, Hz
  double memory_clock_Hz = 0;  ///< peak memory clock, Hz
  std::string host;
  std::string timestamp;       ///< of the measurements, ISO 8601 UTC
  std::map<std::string, std::string> tools;  ///< program or input -> version / library ("cuBLASLt 13.0.0")
  std::vector<std::string> inputs;           ///< files the profile was fitted from
  bool synthetic = false;      ///< true when fitted from sample or synthetic files, not a measurement
};

/// GEMM efficiency of one precision: efficiency = cap x wave use(m, n) x K / (K + half_k).
struct GemmEfficiencyFit {
  double cap = 0;              ///< best share of the dense peak (0..1)
  double half_k = 0;           ///< K at which the K loop halves efficiency, elements
  double overhead_s = 0;       ///< fixed time per GEMM inside a stream, seconds
  /// Cap fitted with the hardware model's own half_k held fixed (what apply_profile sets, because GemmModel derives
  /// half_k from the SM's peak rate rather than reading it).
  double model_cap = 0;
  int points = 0;              ///< measurements used
  double rms_rel_error = 0;    ///< RMS of (model - measured) / measured over the points
  double max_rel_error = 0;    ///< largest |model - measured| / measured
  double best_tflops = 0;      ///< fastest measured point, 10^12 FLOP/s (for reports)
};

/// One power reading against activity (share of peak FLOP/s or HBM bandwidth in use).
struct PowerPoint {
  double activity = 0;  ///< 0..1
  double power_W = 0;   ///< board power, watts
};

/// A fitted calibration profile.
struct CalibrationProfile {
  std::string gpu;  ///< catalog id of the GPU type it calibrates, e.g. "h100-sxm5-80gb"
  CalibrationProvenance provenance;
  std::map<Precision, GemmEfficiencyFit> gemm;
  double hbm_copy_Bps = 0;   ///< best STREAM copy bandwidth on buffers larger than L2, bytes/s; 0 = not measured
  double hbm_triad_Bps = 0;  ///< best STREAM triad bandwidth, bytes/s
  double h2d_Bps = 0;        ///< best pinned host-to-device bandwidth, bytes/s
  double d2h_Bps = 0;        ///< best pinned device-to-host bandwidth, bytes/s
  std::vector<PowerPoint> power;                ///< optional
  std::vector<MeasuredCollective> collectives;  ///< imported nccl-tests curves
  std::string file;  ///< where it was read from ("" when built in memory)

  /// max(copy, triad), bytes/s; 0 if neither was measured.
  double hbm_achieved_Bps() const;
};

/// The profile as a "capsim/calibration-profile/v1" document.
nlohmann::json to_json(const CalibrationProfile& profile);
/// Reads a profile document; `file` prefixes diagnostics. Throws capsim::InputError listing every problem.
CalibrationProfile profile_from_json(const nlohmann::json& doc, const std::string& file);
/// Reads a profile file. Throws capsim::InputError if it cannot be read or is invalid.
CalibrationProfile read_profile(const std::string& path);

/// Sets the GpuSpec fields the models read (GEMM efficiency caps, achieved HBM bandwidth) from the profile and
/// records "calibration profile FILE (device, date)" as their source. Throws capsim::InfeasibleError naming both
/// GPUs when the profile was measured on another GPU type.
void apply_profile(GpuSpec& gpu, const CalibrationProfile& profile);

}  // namespace capsim::hw
