#pragma once
/// @file power_sampler.hpp
/// Board power, SM clock and temperature of one GPU while a benchmark keeps it busy, read through NVML.
///
/// NVML (libnvidia-ml.so.1, part of the driver) is loaded at run time, so the programs build without its header and
/// still run, without power readings, where it is missing. Mean power comes from the board's energy counter
/// (nvmlDeviceGetTotalEnergyConsumption, Volta and newer) over the measured window, which needs no assumption about
/// how the driver averages its instantaneous reading; the sampled power is kept beside it as a cross-check.

#include <cuda_runtime_api.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "kernels/bench_report.hpp"

namespace capsim::bench {

/// What one window of sustained activity drew.
struct PowerReading {
  double duration_s = 0;            ///< length of the measured window (after the settling time)
  double mean_W = 0;                ///< energy counter difference / duration; the sampled mean when no counter
  double sampled_mean_W = 0;        ///< mean of the sampled power readings
  double max_W = 0;                 ///< largest sampled reading
  double mean_sm_clock_Hz = 0;      ///< mean sampled SM clock
  double min_sm_clock_Hz = 0;       ///< lowest sampled SM clock
  double max_temperature_C = 0;     ///< hottest sampled GPU temperature
  std::uint64_t throttle_reasons = 0;  ///< OR of NVML clock-event reasons seen while sampling (0 = none)
  int samples = 0;                  ///< power samples inside the window
  int batches = 0;                  ///< calls of the work batch completed inside the window
  bool energy_counter = false;      ///< mean_W came from the energy counter
};

/// One "power" entry of the raw document: `activity` ("idle", "gemm", "hbm"), what ran, and `reading`.
Fields power_fields(const std::string& activity, const std::string& workload, const PowerReading& reading);

/// NVML access for the device that CUDA calls `cuda_device`. Not copyable.
class PowerSampler {
 public:
  explicit PowerSampler(int cuda_device);
  ~PowerSampler();
  PowerSampler(const PowerSampler&) = delete;
  PowerSampler& operator=(const PowerSampler&) = delete;

  /// True when NVML loaded and found the device.
  bool available() const;
  /// Why it is not available ("" when it is).
  const std::string& unavailable_reason() const { return reason_; }
  /// The driver's own version string, e.g. "580.159.04" ("" when unavailable).
  std::string driver_version() const;
  /// The enforced board power limit, watts (0 when unavailable).
  double power_limit_W() const;
  /// The highest SM clock the board allows, Hz (0 when unavailable).
  double max_sm_clock_Hz() const;

  /// Keeps the GPU busy by calling `enqueue_batch` (which enqueues some milliseconds of work on `stream`) and
  /// synchronizing, for `settle_s + window_s` seconds, sampling every 20 ms; only the last `window_s` seconds
  /// count. With an empty `enqueue_batch` the GPU idles for the same time. Throws capsim::Error when unavailable.
  PowerReading measure(const std::function<void()>& enqueue_batch, cudaStream_t stream, double settle_s,
                       double window_s);

 private:
  struct Nvml;
  std::unique_ptr<Nvml> nvml_;
  std::string reason_;
};

}  // namespace capsim::bench
