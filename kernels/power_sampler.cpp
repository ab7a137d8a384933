#include "kernels/power_sampler.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "kernels/bench_common.hpp"
#include "kernels/shared_library.hpp"

namespace capsim::bench {

namespace {

// The few NVML declarations used here, as nvml.h (driver API, stable since R450) gives them. Declared locally
// because the CUDA toolkit does not always ship nvml.h, and the library itself is loaded at run time.
using NvmlReturn = int;  // nvmlReturn_t; NVML_SUCCESS = 0
struct NvmlDeviceSt;
using NvmlDevice = NvmlDeviceSt*;
constexpr NvmlReturn kNvmlSuccess = 0;
constexpr int kNvmlClockSm = 1;            // NVML_CLOCK_SM
constexpr int kNvmlTemperatureGpu = 0;     // NVML_TEMPERATURE_GPU
constexpr unsigned kDriverVersionChars = 80;  // NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE
constexpr auto kSamplePeriod = std::chrono::milliseconds(20);

using Clock = std::chrono::steady_clock;

struct Sample {
  Clock::time_point at;
  double power_W = 0;
  double sm_clock_Hz = 0;
  double temperature_C = 0;
  std::uint64_t reasons = 0;
};

}  // namespace

/// The loaded library, its entry points and the device handle.
struct PowerSampler::Nvml {
  /// Opened with the sampler; $CAPSIM_NVML_LIBRARY names another file to try first.
  SharedLibrary lib{
      "NVML (libnvidia-ml.so.1, part of the NVIDIA driver)", "CAPSIM_NVML_LIBRARY", {"libnvidia-ml.so.1"}};
  NvmlDevice device = nullptr;
  NvmlReturn (*init)() = nullptr;
  NvmlReturn (*shutdown)() = nullptr;
  NvmlReturn (*by_pci)(const char*, NvmlDevice*) = nullptr;
  NvmlReturn (*power_usage)(NvmlDevice, unsigned*) = nullptr;
  NvmlReturn (*energy)(NvmlDevice, unsigned long long*) = nullptr;
  NvmlReturn (*clock_info)(NvmlDevice, int, unsigned*) = nullptr;
  NvmlReturn (*max_clock)(NvmlDevice, int, unsigned*) = nullptr;
  NvmlReturn (*temperature)(NvmlDevice, int, unsigned*) = nullptr;
  NvmlReturn (*power_limit)(NvmlDevice, unsigned*) = nullptr;
  NvmlReturn (*reasons)(NvmlDevice, unsigned long long*) = nullptr;
  NvmlReturn (*driver)(char*, unsigned) = nullptr;
  const char* (*error)(NvmlReturn) = nullptr;

  ~Nvml() {
    if (shutdown != nullptr && device != nullptr) shutdown();
  }

  std::string message(NvmlReturn r) const { return error != nullptr ? error(r) : "NVML error " + std::to_string(r); }

  /// Loads the library and finds the device on PCI bus `bus_id`; returns why not, or "".
  std::string open(const std::string& bus_id) {
    if (!lib.loaded()) return lib.error();
    lib.resolve("nvmlInit_v2", init);
    lib.resolve("nvmlShutdown", shutdown);
    lib.resolve("nvmlDeviceGetHandleByPciBusId_v2", by_pci);
    lib.resolve("nvmlDeviceGetPowerUsage", power_usage);
    // The rest are optional: a reading they would give is left out where the driver lacks them.
    lib.resolve_optional("nvmlDeviceGetTotalEnergyConsumption", energy);
    lib.resolve_optional("nvmlDeviceGetClockInfo", clock_info);
    lib.resolve_optional("nvmlDeviceGetMaxClockInfo", max_clock);
    lib.resolve_optional("nvmlDeviceGetTemperature", temperature);
    lib.resolve_optional("nvmlDeviceGetEnforcedPowerLimit", power_limit);
    lib.resolve_optional("nvmlDeviceGetCurrentClocksThrottleReasons", reasons);
    lib.resolve_optional("nvmlSystemGetDriverVersion", driver);
    lib.resolve_optional("nvmlErrorString", error);
    if (!lib.missing().empty()) return lib.path() + " lacks " + lib.missing();
    if (const NvmlReturn r = init(); r != kNvmlSuccess) {
      shutdown = nullptr;
      return "nvmlInit failed: " + message(r);
    }
    if (const NvmlReturn r = by_pci(bus_id.c_str(), &device); r != kNvmlSuccess) {
      device = nullptr;
      shutdown();
      shutdown = nullptr;
      return "NVML does not know the device at PCI " + bus_id + ": " + message(r);
    }
    return "";
  }

  Sample sample() const {
    Sample s;
    s.at = Clock::now();
    unsigned value = 0;
    if (power_usage(device, &value) == kNvmlSuccess) s.power_W = value / 1000.0;
    if (clock_info != nullptr && clock_info(device, kNvmlClockSm, &value) == kNvmlSuccess) s.sm_clock_Hz = value * 1e6;
    if (temperature != nullptr && temperature(device, kNvmlTemperatureGpu, &value) == kNvmlSuccess) {
      s.temperature_C = value;
    }
    unsigned long long bits = 0;
    if (reasons != nullptr && reasons(device, &bits) == kNvmlSuccess) s.reasons = bits;
    return s;
  }

  /// Energy since the driver loaded, joules; negative when the counter is not supported.
  double energy_J() const {
    unsigned long long mJ = 0;
    if (energy == nullptr || energy(device, &mJ) != kNvmlSuccess) return -1;
    return mJ / 1000.0;
  }
};

PowerSampler::PowerSampler(int cuda_device) : nvml_(std::make_unique<Nvml>()) {
  char bus_id[32] = {};
  if (cudaDeviceGetPCIBusId(bus_id, sizeof bus_id, cuda_device) != cudaSuccess) {
    reason_ = "cannot read the device's PCI bus id";
  } else {
    reason_ = nvml_->open(bus_id);
  }
  if (!reason_.empty()) nvml_.reset();
}

PowerSampler::~PowerSampler() = default;

bool PowerSampler::available() const { return nvml_ != nullptr; }

std::string PowerSampler::driver_version() const {
  char text[kDriverVersionChars] = {};
  if (!available() || nvml_->driver == nullptr || nvml_->driver(text, sizeof text) != kNvmlSuccess) return "";
  return text;
}

double PowerSampler::power_limit_W() const {
  unsigned mW = 0;
  if (!available() || nvml_->power_limit == nullptr || nvml_->power_limit(nvml_->device, &mW) != kNvmlSuccess) {
    return 0;
  }
  return mW / 1000.0;
}

double PowerSampler::max_sm_clock_Hz() const {
  unsigned MHz = 0;
  if (!available() || nvml_->max_clock == nullptr || nvml_->max_clock(nvml_->device, kNvmlClockSm, &MHz) != 0) {
    return 0;
  }
  return MHz * 1e6;
}

PowerReading PowerSampler::measure(const std::function<void()>& enqueue_batch, cudaStream_t stream, double settle_s,
                                   double window_s) {
  if (!available()) throw capsim::Error("no power readings: " + reason_);
  std::vector<Sample> samples;
  std::mutex lock;
  std::atomic<bool> stop{false};
  std::thread sampler([&] {
    while (!stop.load()) {
      const Sample s = nvml_->sample();
      {
        const std::lock_guard<std::mutex> guard(lock);
        samples.push_back(s);
      }
      std::this_thread::sleep_for(kSamplePeriod);
    }
  });

  int batches = 0;
  const auto busy_until = [&](Clock::time_point end) {
    while (Clock::now() < end) {
      if (enqueue_batch) {
        enqueue_batch();
        check_cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
        ++batches;
      } else {
        std::this_thread::sleep_for(kSamplePeriod);
      }
    }
  };
  const auto start = Clock::now();
  const auto window_start = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(settle_s));
  try {
    busy_until(window_start);
    const double energy_start = nvml_->energy_J();
    const auto measured_from = Clock::now();
    batches = 0;
    busy_until(measured_from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(window_s)));
    const double energy_end = nvml_->energy_J();
    const auto measured_to = Clock::now();
    stop = true;
    sampler.join();

    PowerReading out;
    out.batches = batches;
    out.duration_s = std::chrono::duration<double>(measured_to - measured_from).count();
    out.min_sm_clock_Hz = 1e300;
    double power_sum = 0;
    double clock_sum = 0;
    for (const Sample& s : samples) {
      if (s.at < measured_from || s.at > measured_to) continue;
      ++out.samples;
      power_sum += s.power_W;
      clock_sum += s.sm_clock_Hz;
      out.max_W = std::max(out.max_W, s.power_W);
      out.min_sm_clock_Hz = std::min(out.min_sm_clock_Hz, s.sm_clock_Hz);
      out.max_temperature_C = std::max(out.max_temperature_C, s.temperature_C);
      out.throttle_reasons |= s.reasons;
    }
    if (out.samples == 0) throw capsim::Error("no NVML power samples during the measured window");
    out.sampled_mean_W = power_sum / out.samples;
    out.mean_sm_clock_Hz = clock_sum / out.samples;
    out.energy_counter = energy_start >= 0 && energy_end > energy_start && out.duration_s > 0;
    out.mean_W = out.energy_counter ? (energy_end - energy_start) / out.duration_s : out.sampled_mean_W;
    return out;
  } catch (...) {
    stop = true;
    sampler.join();
    throw;
  }
}

Fields power_fields(const std::string& activity, const std::string& workload, const PowerReading& reading) {
  return {{"activity", activity},
          {"workload", workload},
          {"duration_s", reading.duration_s},
          {"mean_W", reading.mean_W},
          {"sampled_mean_W", reading.sampled_mean_W},
          {"max_W", reading.max_W},
          {"energy_counter", reading.energy_counter},
          {"mean_sm_clock_Hz", reading.mean_sm_clock_Hz},
          {"min_sm_clock_Hz", reading.min_sm_clock_Hz},
          {"max_temperature_C", reading.max_temperature_C},
          {"clock_event_reasons", static_cast<std::uint64_t>(reading.throttle_reasons)},
          {"samples", reading.samples}};
}

}  // namespace capsim::bench
