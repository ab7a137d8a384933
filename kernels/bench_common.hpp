#pragma once
/// @file bench_common.hpp
/// What every calibration benchmark program shares: flags, device checks, the JSON document header, CUDA-event
/// timing and the atomic write of the result.
///
/// Exit codes follow DESIGN.md: 0 success, 2 bad command line, 3 no CUDA device or a CUDA failure.

#include <cuda_runtime_api.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "kernels/bench_report.hpp"
#include "sim/core/error.hpp"

namespace capsim::bench {

/// Schema tag of every raw calibration document.
inline constexpr const char* kRawSchema = "capsim/calibration-raw/v1";

/// Command-line flags common to every benchmark program.
struct Options {
  bool quick = false;    ///< --quick: fewer shapes and repeats (a smoke run of minutes, not a calibration)
  int device = 0;        ///< --device N: CUDA device ordinal
  std::string out_path;  ///< --out FILE: write the document here; empty means stdout
};

/// Name and one-line purpose of a benchmark program, for the header and --help.
struct ToolInfo {
  std::string name;     ///< executable name, e.g. "capsim-bench-gemm"
  std::string summary;  ///< one line for --help
};

/// A CUDA runtime or library call failed. Maps to exit code 3.
class CudaError : public capsim::Error {
 public:
  using capsim::Error::Error;
};

/// Throws CudaError naming `what` and the runtime's message unless `status` is cudaSuccess.
void check_cuda(cudaError_t status, const char* what);

/// The benchmark body: fills `report` as it measures.
using BenchBody = std::function<void(const Options& options, Report& report)>;

/// Runs one benchmark program end to end: parses flags, checks for a device ("no CUDA device found" and exit 3
/// when there is none), fills the header, calls `body`, writes the document. If `body` throws, the partial document
/// is still written, with "complete": false and "error". Returns the process exit code.
int run_bench(int argc, char** argv, const ToolInfo& tool, const BenchBody& body);

/// Parses the common flags; throws capsim::UsageError on a bad command line. Sets `help` on --help/-h.
Options parse_options(int argc, char** argv, bool& help);

/// The current time as ISO-8601 UTC with a "Z" suffix, e.g. "2025-06-01T12:34:56Z".
std::string iso8601_utc_now();


/// Median of `samples` (the mean of the middle two for an even count). Throws on an empty vector.
double median(std::vector<double> samples);

/// Times `enqueue`, which must enqueue exactly one unit of work on `stream`, with CUDA events: `warmup` untimed
/// calls, then `repeats` samples of `iters` back-to-back calls each. Returns the median seconds per call.
double time_median_s(const std::function<void()>& enqueue, cudaStream_t stream, int warmup, int repeats, int iters);

/// How many back-to-back calls of `enqueue` make one timed sample last at least `min_sample_s` (1..max_iters), so
/// that microsecond kernels are not timed one launch at a time.
int iters_for_sample(const std::function<void()>& enqueue, cudaStream_t stream, double min_sample_s,
                     int max_iters = 1000);

/// Device memory that only grows; a failed allocation leaves it empty instead of throwing. Not copyable.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() { release(); }

  /// Makes room for at least `bytes`; false when the device is out of memory. Other CUDA errors throw CudaError.
  bool reserve(std::size_t bytes);
  /// Frees the memory.
  void release();
  void* data() const { return data_; }
  std::size_t capacity() const { return capacity_; }

 private:
  void* data_ = nullptr;
  std::size_t capacity_ = 0;
};

/// A non-blocking CUDA stream on the current device, destroyed with the object.
class CudaStream {
 public:
  CudaStream();
  ~CudaStream();
  CudaStream(const CudaStream&) = delete;
  CudaStream& operator=(const CudaStream&) = delete;
  cudaStream_t get() const { return stream_; }

 private:
  cudaStream_t stream_ = nullptr;
};

/// A CUDA event on the current device, destroyed with the object.
class CudaEvent {
 public:
  /// `flags` as for cudaEventCreateWithFlags (cudaEventDisableTiming for pure synchronization).
  explicit CudaEvent(unsigned flags = cudaEventDefault);
  ~CudaEvent();
  CudaEvent(const CudaEvent&) = delete;
  CudaEvent& operator=(const CudaEvent&) = delete;
  cudaEvent_t get() const { return event_; }

 private:
  cudaEvent_t event_ = nullptr;
};

/// Prints one progress line to stderr (stdout may carry the JSON document).
void progress(const std::string& line);

}  // namespace capsim::bench
