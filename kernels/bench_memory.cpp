/// @file bench_memory.cpp
/// capsim-bench-memory: HBM bandwidth (STREAM copy and triad, and cudaMemcpy device to device) and host<->device
/// bandwidth over pinned memory. See kernels/README.md.

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "kernels/bench_common.hpp"
#include "kernels/memory_kernels.hpp"
#include "kernels/power_sampler.hpp"

namespace capsim::bench {

namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;
constexpr std::size_t kGiB = std::size_t{1} << 30;
constexpr int kThreadsPerBlock = 256;
constexpr float kTriadScalar = 3.0f;
constexpr int kPowerBatch = 8;  ///< triads per synchronization while power is read

/// Page-locked host memory, so that copies run at the link's DMA speed and asynchronously.
class PinnedBuffer {
 public:
  explicit PinnedBuffer(std::size_t bytes) {
    check_cuda(cudaMallocHost(&data_, bytes), "cudaMallocHost");
    std::memset(data_, 0, bytes);  // touch every page before timing
  }
  ~PinnedBuffer() { cudaFreeHost(data_); }
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  void* data() const { return data_; }

 private:
  void* data_ = nullptr;
};

struct Timing {
  int warmup;
  int repeats;
  double min_sample_s;
};

void record(Report& report, const std::string& op, std::size_t buffer_bytes, std::size_t moved_bytes, double time_s,
            bool host) {
  Fields entry = {{"op", op},
                  {"buffer_bytes", buffer_bytes},
                  {"bytes", moved_bytes},
                  {"time_s", time_s},
                  {"bandwidth_Bps", static_cast<double>(moved_bytes) / time_s}};
  if (host) entry.emplace_back("pinned", true);
  report.measurements.push_back(std::move(entry));

  char line[128];
  std::snprintf(line, sizeof line, "[memory] %-10s %12zu B %10.3e s %8.1f GB/s", op.c_str(), moved_bytes, time_s,
                static_cast<double>(moved_bytes) / time_s / 1e9);
  progress(line);
}

double time_op(const std::function<void()>& enqueue, cudaStream_t stream, const Timing& timing) {
  const int iters = iters_for_sample(enqueue, stream, timing.min_sample_s);
  return time_median_s(enqueue, stream, timing.warmup, timing.repeats, iters);
}

/// Runs copy then triad once on known values and checks the result, so a kernel that silently did nothing cannot
/// report a bandwidth.
void verify_kernels(float* a, float* b, float* c, std::size_t bytes, int blocks, cudaStream_t stream) {
  launch_fill_value(a, bytes, 1.0f, blocks, kThreadsPerBlock, stream);
  launch_fill_value(b, bytes, 2.0f, blocks, kThreadsPerBlock, stream);
  launch_fill_value(c, bytes, 0.0f, blocks, kThreadsPerBlock, stream);
  launch_copy(a, c, bytes, blocks, kThreadsPerBlock, stream);
  launch_triad(a, b, c, kTriadScalar, bytes, blocks, kThreadsPerBlock, stream);
  check_cuda(cudaGetLastError(), "verification launch");
  float first = 0.0f;
  float last = 0.0f;
  const std::size_t count = bytes / sizeof(float);
  check_cuda(cudaMemcpyAsync(&first, a, sizeof first, cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync");
  check_cuda(cudaMemcpyAsync(&last, a + count - 1, sizeof last, cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync");
  check_cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  const float expected = 2.0f + kTriadScalar * 1.0f;
  if (first != expected || last != expected) throw capsim::Error("copy/triad verification failed");
}

/// Board power while triad streams the largest buffer back to back: the memory-bound end of the power curve.
void read_triad_power(const Options& options, Report& report, const std::function<void()>& batch, cudaStream_t s,
                      std::size_t bytes_per_triad) {
  PowerSampler power(options.device);
  if (!power.available()) {
    report.skipped.push_back({{"kind", "power"}, {"reason", power.unavailable_reason()}});
    return;
  }
  const PowerReading r = options.quick ? power.measure(batch, s, 0.5, 1.0) : power.measure(batch, s, 1.5, 3.0);
  Fields entry = power_fields("hbm", "STREAM triad, " + std::to_string(bytes_per_triad / 3 / kMiB) + " MiB arrays", r);
  entry.emplace_back("bandwidth_Bps", static_cast<double>(bytes_per_triad) * kPowerBatch * r.batches / r.duration_s);
  report.power.push_back(std::move(entry));
  progress("[power] triad " + std::to_string(static_cast<int>(r.mean_W)) + " W");
}

void run_memory_sweep(const Options& options, Report& report) {
  std::size_t free_bytes = 0;
  std::size_t total_bytes = 0;
  check_cuda(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
  // 4 GiB per array dwarfs any L2 (50 MiB on H100), so the kernels stream from HBM; three arrays must fit.
  const std::size_t buffer_bytes = std::min(4 * kGiB, free_bytes / 4) / (2 * kMiB) * (2 * kMiB);
  if (buffer_bytes < 64 * kMiB) throw capsim::Error("less than 256 MiB of free device memory");
  const std::size_t host_bytes = std::min(kGiB, buffer_bytes);

  std::vector<std::size_t> device_sizes;
  if (!options.quick) device_sizes = {64 * kMiB, 256 * kMiB, kGiB};
  device_sizes.push_back(buffer_bytes);
  device_sizes.erase(
      std::remove_if(device_sizes.begin(), device_sizes.end(), [&](std::size_t s) { return s > buffer_bytes; }),
      device_sizes.end());
  device_sizes.erase(std::unique(device_sizes.begin(), device_sizes.end()), device_sizes.end());
  const std::vector<std::size_t> host_sizes =
      options.quick ? std::vector<std::size_t>{kMiB, 256 * kMiB}
                    : std::vector<std::size_t>{64 << 10, kMiB, 16 * kMiB, 256 * kMiB, kGiB};
  const Timing timing = options.quick ? Timing{2, 5, 1e-3} : Timing{3, 20, 2e-3};

  const int blocks = stream_grid_blocks(kThreadsPerBlock);
  if (blocks <= 0) throw CudaError("cannot size the kernel grid (cudaOccupancyMaxActiveBlocksPerMultiprocessor)");

  report.settings = {
      {"threads_per_block", kThreadsPerBlock},
      {"blocks", blocks},
      {"element", "float4 (16 bytes), grid-stride loop"},
      {"warmup", timing.warmup},
      {"repeats", timing.repeats},
      {"min_sample_s", timing.min_sample_s},
      {"statistic", "median seconds per operation over repeats, CUDA events"},
      {"bytes_counted", "copy and memcpy_d2d 2N, triad 3N (STREAM convention); h2d and d2h N; bidir 2N"},
  };

  CudaStream stream;
  DeviceBuffer a, b, c;
  if (!a.reserve(buffer_bytes) || !b.reserve(buffer_bytes) || !c.reserve(buffer_bytes)) {
    throw capsim::Error("cannot allocate three device arrays of " + std::to_string(buffer_bytes) + " bytes");
  }
  auto* pa = static_cast<float*>(a.data());
  auto* pb = static_cast<float*>(b.data());
  auto* pc = static_cast<float*>(c.data());
  verify_kernels(pa, pb, pc, buffer_bytes, blocks, stream.get());

  const cudaStream_t s = stream.get();
  for (const std::size_t bytes : device_sizes) {
    const double copy_s = time_op([&] { launch_copy(pa, pc, bytes, blocks, kThreadsPerBlock, s); }, s, timing);
    record(report, "copy", bytes, 2 * bytes, copy_s, false);
    const double triad_s =
        time_op([&] { launch_triad(pa, pb, pc, kTriadScalar, bytes, blocks, kThreadsPerBlock, s); }, s, timing);
    record(report, "triad", bytes, 3 * bytes, triad_s, false);
    const double memcpy_s = time_op(
        [&] { check_cuda(cudaMemcpyAsync(pc, pa, bytes, cudaMemcpyDeviceToDevice, s), "cudaMemcpyAsync"); }, s, timing);
    record(report, "memcpy_d2d", bytes, 2 * bytes, memcpy_s, false);
  }

  read_triad_power(options, report, [&] {
    for (int i = 0; i < kPowerBatch; ++i) launch_triad(pa, pb, pc, kTriadScalar, buffer_bytes, blocks, kThreadsPerBlock, s);
  }, s, 3 * buffer_bytes);

  PinnedBuffer host_src(host_bytes);
  PinnedBuffer host_dst(host_bytes);
  CudaStream other;
  const CudaEvent fork(cudaEventDisableTiming);
  const CudaEvent join(cudaEventDisableTiming);
  for (const std::size_t bytes : host_sizes) {
    if (bytes > host_bytes) continue;
    const double h2d_s = time_op(
        [&] { check_cuda(cudaMemcpyAsync(pa, host_src.data(), bytes, cudaMemcpyHostToDevice, s), "cudaMemcpyAsync"); },
        s, timing);
    record(report, "h2d", bytes, bytes, h2d_s, true);
    const double d2h_s = time_op(
        [&] { check_cuda(cudaMemcpyAsync(host_dst.data(), pb, bytes, cudaMemcpyDeviceToHost, s), "cudaMemcpyAsync"); },
        s, timing);
    record(report, "d2h", bytes, bytes, d2h_s, true);
    // Both directions at once, on two streams joined back into the timed one (PCIe and NVLink-C2C are duplex).
    const double bidir_s = time_op(
        [&] {
          check_cuda(cudaEventRecord(fork.get(), s), "cudaEventRecord");
          check_cuda(cudaStreamWaitEvent(other.get(), fork.get(), 0), "cudaStreamWaitEvent");
          check_cuda(cudaMemcpyAsync(pa, host_src.data(), bytes, cudaMemcpyHostToDevice, s), "cudaMemcpyAsync");
          check_cuda(cudaMemcpyAsync(host_dst.data(), pb, bytes, cudaMemcpyDeviceToHost, other.get()),
                     "cudaMemcpyAsync");
          check_cuda(cudaEventRecord(join.get(), other.get()), "cudaEventRecord");
          check_cuda(cudaStreamWaitEvent(s, join.get(), 0), "cudaStreamWaitEvent");
        },
        s, timing);
    record(report, "bidir", bytes, 2 * bytes, bidir_s, true);
  }
}

}  // namespace

}  // namespace capsim::bench

int main(int argc, char** argv) {
  return capsim::bench::run_bench(
      argc, argv,
      {"capsim-bench-memory", "HBM bandwidth (STREAM copy, triad, memcpy) and pinned host<->device bandwidth"},
      capsim::bench::run_memory_sweep);
}
