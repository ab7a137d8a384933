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
  std::string driver_version;  ///< CUDA version the driver supports, e.g. "13.0"
  std::string driver_release;  ///< the driver's own version, e.g. "580.159.04" ("" when not recorded)
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
  /// Cap fitted with the hardware model's own half_k held fixed: what apply_profile sets when the fit could not free
  /// half_k (GemmModel then derives half_k from the SM's peak rate).
  double model_cap = 0;
  int points = 0;              ///< measurements used
  double rms_rel_error = 0;    ///< RMS of (model - measured) / measured over the points
  double max_rel_error = 0;    ///< largest |model - measured| / measured
  double best_tflops = 0;      ///< fastest measured point, 10^12 FLOP/s (for reports)
  /// True when the fit freed half_k (enough points with K varying); false when it was held at the model's value, in
  /// which case apply_profile sets model_cap and leaves half_k to the model.
  bool half_k_fitted = false;
  /// Throughput of the same GEMM held for seconds at the board's power limit (the power reading) over its time in
  /// the sweep's short samples, at most 1; 1 = not measured. apply_profile sets GpuSpec::sustained_gemm_ratio from
  /// it, which only training uses (Clocks::sustained): a training step runs seconds of back-to-back GEMMs, while a
  /// serving batch alternates short GEMMs with memory-bound decode that draws far less (applying it to serving moved
  /// the TensorRT-LLM H100 rows from 3.6% to 6.3% mean error).
  double sustained_ratio = 1.0;
};

/// Board power in the three states the benchmarks hold (kernels/power_sampler.hpp); 0 = not measured.
struct PowerFit {
  double idle_W = 0;            ///< CUDA context open, no kernels, watts
  double gemm_W = 0;            ///< sustained BF16 GEMM (else the highest GEMM reading), watts
  double hbm_W = 0;             ///< sustained STREAM triad on buffers larger than L2, watts
  double power_limit_W = 0;     ///< enforced board power limit during the run, watts
  double gemm_sm_clock_Hz = 0;  ///< mean SM clock during the GEMM reading, Hz
  double max_sm_clock_Hz = 0;   ///< highest SM clock the board allows, Hz

  /// True when no reading was recorded.
  bool empty() const { return idle_W <= 0 && gemm_W <= 0 && hbm_W <= 0; }
};

/// Flash attention (cuDNN SDPA) as shares of the BF16 dense peak that make the analytical model's attention cost
/// (flash_attention_flops, head_dim 128) reproduce the measured times; 0 = not measured.
struct AttentionFit {
  double fwd_efficiency = 0;   ///< forward: median over the long-sequence points, 0..1
  double bwd_efficiency = 0;   ///< backward (2.5x the forward FLOPs): median over the long-sequence points, 0..1
  int points = 0;              ///< measurements the medians were taken over, forward and backward together
  double best_fwd_tflops = 0;  ///< fastest forward point as the benchmark counts FLOPs, 10^12 FLOP/s (for reports)
  double best_bwd_tflops = 0;  ///< fastest backward point, 10^12 FLOP/s (for reports)

  /// True when neither pass was measured.
  bool empty() const { return fwd_efficiency <= 0 && bwd_efficiency <= 0; }
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
  /// Median bandwidth of the memory-bound ops (norms, activations, residual adds) on tensors larger than twice the
  /// L2, bytes/s; 0 = not measured.
  double elementwise_Bps = 0;
  double p2p_Bps = 0;        ///< best one-direction GPU-to-GPU copy bandwidth, bytes/s; 0 = not measured
  PowerFit power;
  AttentionFit attention;
  std::vector<MeasuredCollective> collectives;  ///< nccl-tests curves and capsim-bench-nccl collectives
  std::string file;  ///< where it was read from ("" when built in memory)

  /// max(copy, triad), bytes/s; 0 if neither was measured.
  double hbm_achieved_Bps() const;
  /// True when nothing at all was measured into the profile.
  bool empty() const;
};

/// The profile as a "capsim/calibration-profile/v1" document.
nlohmann::json to_json(const CalibrationProfile& profile);
/// Reads a profile document; `file` prefixes diagnostics. Throws capsim::InputError listing every problem.
CalibrationProfile profile_from_json(const nlohmann::json& doc, const std::string& file);
/// Reads a profile file. Throws capsim::InputError if it cannot be read or is invalid.
CalibrationProfile read_profile(const std::string& path);

/// The profiles CapSim ships (models/hardware/calibration/*.json, each measured on a real GPU; the raw measurements
/// sit beside them in raw/), read once.
const std::vector<CalibrationProfile>& builtin_profiles();
/// The shipped profile of GPU type `gpu_id`, or nullptr when there is none.
const CalibrationProfile* builtin_profile(const std::string& gpu_id);
/// The spelling that names the shipped profile of the cluster's GPU type in `cluster.calibration` and
/// `capsim validate --profile`, instead of a file.
inline constexpr const char* kBuiltinProfile = "builtin";

/// Sets the GpuSpec fields the models read from what the profile measured (GEMM caps and fitted half_k, achieved
/// HBM and element-wise bandwidth, flash-attention efficiencies, idle power and the compute and memory power shares)
/// and records "calibration profile FILE (device, date)" as their source. Throws capsim::InfeasibleError naming both
/// GPUs when the profile was measured on another GPU type.
void apply_profile(GpuSpec& gpu, const CalibrationProfile& profile);

}  // namespace capsim::hw
