#pragma once
/// @file calibration_fit.hpp
/// Reads raw kernel measurements ("capsim/calibration-raw/v1", written by kernels/capsim-bench-*) and fits them
/// into a CalibrationProfile by linear least squares (Eigen).
///
/// GEMM: time = flops / (peak x cap x wave(m, n)) x (1 + half_k / K) + overhead, where wave(m, n) is GemmModel's
/// tile and wave use. With a = 1/cap, b = half_k/cap and c = overhead this is linear in (a, b, c); each point is
/// weighted by 1/time so that small and large GEMMs count alike (relative residuals).
///
/// Flash attention: the share of the BF16 dense peak at which the analytical model's attention FLOPs
/// (flash_attention_flops, head_dim 128) take each measured time; the median over sequences of at least 4096. The
/// benchmark hides launch gaps, so the share matches the kernel time alone and the model's per-kernel overhead stays
/// on top of it in a training step (as for the GEMM cap).
///
/// Memory-bound kernels: the median bandwidth of capsim-bench-ops on tensors larger than twice the L2. Power: the
/// idle, GEMM and STREAM-triad board power of the "power" readings. capsim-bench-nccl: collective curves and the
/// best one-direction peer-to-peer bandwidth.

#include <cstdint>
#include <optional>
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

/// One memory-bound op of capsim-bench-ops (a norm, activation or residual add over a rows x cols tensor).
struct OpPoint {
  std::string op;  ///< "layernorm", "rmsnorm", "swiglu", "gelu", "residual_add", ...
  double rows = 0;
  double cols = 0;
  double bytes = 0;          ///< bytes read and written by one call
  double time_s = 0;         ///< seconds per call
  double bandwidth_Bps = 0;  ///< bytes / time_s
};

/// One timed cuDNN flash-attention call of capsim-bench-attention.
struct AttentionPoint {
  bool backward = false;  ///< "sdpa_bwd" (else "sdpa_fwd")
  bool causal = false;
  Precision dtype = Precision::bf16;
  double batch = 0;
  double heads = 0;     ///< query heads
  double kv_heads = 0;  ///< key/value heads (grouped-query attention when fewer than heads)
  double seq_len = 0;   ///< queries = keys
  double head_dim = 0;
  double flop = 0;      ///< as the benchmark counts them: 4 b h s^2 d, halved when causal, x 2.5 backward
  double time_s = 0;    ///< seconds per call
  std::string engine;   ///< cuDNN engine that ran it
  std::string origin;   ///< "file /measurements/3", for messages
};

/// One NCCL collective of capsim-bench-nccl at one message size.
struct CollectivePoint {
  std::string op;  ///< "all_reduce", "all_gather" or "reduce_scatter"
  int ranks = 0;   ///< GPUs in the communicator
  double bytes = 0;   ///< message size as nccl-tests counts it
  double time_s = 0;  ///< seconds per operation
};

/// One GPU-to-GPU copy of capsim-bench-nccl.
struct P2pPoint {
  int src = 0;
  int dst = 0;
  double bytes = 0;
  double time_s = 0;
  double bandwidth_Bps = 0;    ///< per direction
  bool bidirectional = false;  ///< both directions at once
};

/// One board-power reading ("power" array of capsim-bench-gemm and capsim-bench-memory).
struct PowerReading {
  std::string activity;  ///< "idle", "gemm" or "hbm"
  std::string workload;  ///< what ran, e.g. "bf16 8192^3 GEMM"
  std::optional<Precision> dtype;  ///< gemm readings: the GEMM's precision
  double duration_s = 0;        ///< measured window, seconds
  double mean_W = 0;            ///< mean board power over the window, watts
  double max_W = 0;             ///< largest sampled reading, watts
  bool energy_counter = false;  ///< mean_W came from the board's energy counter
  double mean_sm_clock_Hz = 0;
  double min_sm_clock_Hz = 0;
  double max_temperature_C = 0;
  std::uint64_t clock_event_reasons = 0;  ///< OR of the NVML clock-event reasons seen (0 = none)
  double tflops = 0;         ///< gemm readings: throughput during the window, 10^12 FLOP/s
  /// gemm readings: the GEMM held. Documents that do not say ("m", "n", "k") held capsim-bench-gemm's 8192^3.
  GemmShape shape{8192, 8192, 8192};
  double bandwidth_Bps = 0;  ///< hbm readings: bandwidth during the window, bytes/s
};

/// One raw measurement file.
struct RawCalibration {
  std::string file;
  /// "capsim-bench-gemm", "capsim-bench-memory", "capsim-bench-ops", "capsim-bench-attention" or "capsim-bench-nccl"
  std::string tool;
  CalibrationProvenance provenance;
  double l2_cache_bytes = 0;
  double power_limit_W = 0;    ///< enforced board power limit during the run, watts; 0 = not recorded
  double max_sm_clock_Hz = 0;  ///< highest SM clock the board allows, Hz; 0 = not recorded
  bool sample = false;  ///< a hand-made format example or synthetic data, not a measurement
  std::vector<GemmPoint> gemm;
  std::vector<MemoryPoint> memory;
  std::vector<OpPoint> ops;
  std::vector<AttentionPoint> attention;
  std::vector<CollectivePoint> collectives;
  std::vector<P2pPoint> p2p;
  std::vector<PowerReading> power;
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

/// Fits the flash-attention shares of the BF16 peak on `gpu` from `points` (see the file comment); empty (zeros)
/// when no BF16 head_dim-128 point was measured. Throws capsim::InputError when a share comes out above 1.
AttentionFit fit_attention(const GpuSpec& gpu, const std::vector<AttentionPoint>& points);

/// The power block from the readings of `raws`: lowest idle, the BF16 GEMM reading (else the highest GEMM reading),
/// the highest HBM reading, and the device's power limit and maximum SM clock.
PowerFit fit_power(const std::vector<RawCalibration>& raws);

/// Fits every GEMM precision of `raws` plus `extra_gemm` (e.g. from a CSV), and the memory, element-wise,
/// attention, power and NCCL figures of `raws`, for `gpu`. The provenance comes from the first raw file; files from
/// different devices are refused (capsim::InputError). Files that measured nothing add nothing.
CalibrationProfile fit_profile(const GpuSpec& gpu, const std::vector<RawCalibration>& raws,
                               const std::vector<GemmPoint>& extra_gemm = {});

}  // namespace capsim::hw
