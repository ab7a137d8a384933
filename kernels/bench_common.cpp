#include "kernels/bench_common.hpp"

#include "kernels/power_sampler.hpp"
#include "sim/core/atomic_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace capsim::bench {

namespace {

/// Insertion-ordered, so that the header reads first.
using Json = nlohmann::ordered_json;

constexpr int kExitBadCommandLine = static_cast<int>(capsim::ExitCode::bad_command_line);
constexpr int kExitInternal = static_cast<int>(capsim::ExitCode::internal_error);

std::string usage(const ToolInfo& tool) {
  return "usage: " + tool.name + " [--quick] [--device N] [--out FILE]\n" + tool.summary +
         "\n"
         "  --quick      fewer cases and repeats: a smoke run, not a calibration\n"
         "  --device N   CUDA device ordinal (default 0)\n"
         "  --out FILE   write the JSON document to FILE (atomically) instead of stdout\n"
         "exit codes: 0 success, 2 bad command line, 3 no CUDA device or a CUDA failure\n";
}

int parse_device(std::string_view text) {
  int value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    throw capsim::UsageError("--device expects a non-negative integer, got '" + std::string(text) + "'");
  }
  return value;
}

/// "13.0" from the runtime's 13000 encoding.
std::string cuda_version_string(int version) {
  return std::to_string(version / 1000) + "." + std::to_string((version % 1000) / 10);
}

std::string uuid_string(const cudaUUID_t& uuid) {
  std::string out = "GPU-";
  char hex[3];
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned char>(uuid.bytes[i]));
    out += hex;
  }
  return out;
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

/// Name, compute capability, SM count, memory, peak clocks (Hz) and versions of CUDA device `device`.
Json device_json(int device) {
  cudaDeviceProp prop{};
  check_cuda(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
  // CUDA 13 dropped the clock fields from cudaDeviceProp; the attributes work on every version.
  auto attribute = [device](cudaDeviceAttr which) {
    int value = 0;
    check_cuda(cudaDeviceGetAttribute(&value, which, device), "cudaDeviceGetAttribute");
    return value;
  };
  int driver = 0;
  int runtime = 0;
  check_cuda(cudaDriverGetVersion(&driver), "cudaDriverGetVersion");
  check_cuda(cudaRuntimeGetVersion(&runtime), "cudaRuntimeGetVersion");
  char bus_id[32] = {};
  check_cuda(cudaDeviceGetPCIBusId(bus_id, sizeof bus_id, device), "cudaDeviceGetPCIBusId");

  Json out;
  out["index"] = device;
  out["name"] = prop.name;
  out["compute_capability"] = std::to_string(prop.major) + "." + std::to_string(prop.minor);
  out["sm_count"] = prop.multiProcessorCount;
  out["memory_bytes"] = static_cast<std::uint64_t>(prop.totalGlobalMem);
  out["l2_cache_bytes"] = prop.l2CacheSize;
  out["memory_bus_width_bits"] = attribute(cudaDevAttrGlobalMemoryBusWidth);
  // Peak clocks as the driver reports them (kHz); the clock a kernel actually ran at may be lower.
  out["sm_clock_Hz"] = std::uint64_t{1000} * static_cast<std::uint64_t>(attribute(cudaDevAttrClockRate));
  out["memory_clock_Hz"] = std::uint64_t{1000} * static_cast<std::uint64_t>(attribute(cudaDevAttrMemoryClockRate));
  out["pci_bus_id"] = bus_id;
  out["uuid"] = uuid_string(prop.uuid);
  out["driver_version"] = cuda_version_string(driver);  // the CUDA version the driver supports
  const PowerSampler nvml(device);
  if (nvml.available()) {
    out["driver_release"] = nvml.driver_version();  // e.g. "580.159.04"
    out["power_limit_W"] = nvml.power_limit_W();
    out["max_sm_clock_Hz"] = nvml.max_sm_clock_Hz();
  } else {
    out["nvml"] = nvml.unavailable_reason();
  }
  out["runtime_version"] = cuda_version_string(runtime);
  return out;
}

Json to_json(const Fields& fields) {
  Json out = Json::object();
  for (const auto& [key, value] : fields) {
    std::visit([&out, &key](const auto& v) { out[key] = v; }, value);
  }
  return out;
}

Json to_json(const std::vector<Fields>& list) {
  Json out = Json::array();
  for (const Fields& fields : list) out.push_back(to_json(fields));
  return out;
}

void emit(const Json& doc, const std::string& out_path) {
  // Replace rather than throw on invalid UTF-8 (a device or host name the driver reports oddly).
  const std::string text = doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  if (out_path.empty()) {
    std::cout << text << std::flush;
    if (!std::cout) throw capsim::Error("cannot write to stdout");
    return;
  }
  capsim::write_file_atomically(out_path, text);
  progress("wrote " + out_path);
}

}  // namespace

void check_cuda(cudaError_t status, const char* what) {
  if (status == cudaSuccess) return;
  throw CudaError(std::string(what) + ": " + cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")");
}

Options parse_options(int argc, char** argv, bool& help) {
  Options options;
  help = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value_of = [&](std::string_view flag) -> std::string_view {
      if (arg.size() > flag.size() && arg.substr(0, flag.size()) == flag && arg[flag.size()] == '=') {
        return arg.substr(flag.size() + 1);
      }
      if (i + 1 >= argc) throw capsim::UsageError(std::string(flag) + " needs a value");
      return argv[++i];
    };
    if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "-h" || arg == "--help") {
      help = true;
    } else if (arg == "--device" || arg.starts_with("--device=")) {
      options.device = parse_device(value_of("--device"));
    } else if (arg == "--out" || arg.starts_with("--out=")) {
      options.out_path = std::string(value_of("--out"));
      if (options.out_path.empty()) throw capsim::UsageError("--out needs a file name");
    } else {
      throw capsim::UsageError("unknown argument '" + std::string(arg) + "'");
    }
  }
  return options;
}

std::string iso8601_utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

double median(std::vector<double> samples) {
  if (samples.empty()) throw capsim::Error("median of no samples");
  const std::size_t mid = samples.size() / 2;
  std::nth_element(samples.begin(), samples.begin() + mid, samples.end());
  if (samples.size() % 2 == 1) return samples[mid];
  const double upper = samples[mid];
  const double lower = *std::max_element(samples.begin(), samples.begin() + mid);
  return 0.5 * (lower + upper);
}

double time_median_s(const std::function<void()>& enqueue, cudaStream_t stream, int warmup, int repeats, int iters) {
  const CudaEvent start;
  const CudaEvent stop;
  for (int i = 0; i < warmup; ++i) enqueue();
  check_cuda(cudaGetLastError(), "warm-up launch");
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(std::max(repeats, 1)));
  for (int r = 0; r < std::max(repeats, 1); ++r) {
    check_cuda(cudaEventRecord(start.get(), stream), "cudaEventRecord");
    for (int i = 0; i < iters; ++i) enqueue();
    check_cuda(cudaEventRecord(stop.get(), stream), "cudaEventRecord");
    check_cuda(cudaEventSynchronize(stop.get()), "cudaEventSynchronize");
    check_cuda(cudaGetLastError(), "timed launch");
    float ms = 0.0f;
    check_cuda(cudaEventElapsedTime(&ms, start.get(), stop.get()), "cudaEventElapsedTime");
    samples.push_back(1e-3 * ms / iters);
  }
  return median(std::move(samples));
}

int iters_for_sample(const std::function<void()>& enqueue, cudaStream_t stream, double min_sample_s, int max_iters) {
  const double one_s = time_median_s(enqueue, stream, 1, 3, 1);
  if (one_s <= 0.0) return max_iters;
  return static_cast<int>(std::clamp(std::ceil(min_sample_s / one_s), 1.0, static_cast<double>(max_iters)));
}

bool DeviceBuffer::reserve(std::size_t bytes) {
  if (bytes <= capacity_) return true;
  release();
  const cudaError_t status = cudaMalloc(&data_, bytes);
  if (status == cudaErrorMemoryAllocation) {
    (void)cudaGetLastError();  // out of memory is not sticky; clear it so that later checks do not report it
    data_ = nullptr;
    return false;
  }
  check_cuda(status, "cudaMalloc");
  capacity_ = bytes;
  return true;
}

void DeviceBuffer::release() {
  if (data_ != nullptr) cudaFree(data_);
  data_ = nullptr;
  capacity_ = 0;
}

CudaEvent::CudaEvent(unsigned flags) {
  check_cuda(cudaEventCreateWithFlags(&event_, flags), "cudaEventCreateWithFlags");
}

CudaEvent::~CudaEvent() { cudaEventDestroy(event_); }

CudaStream::CudaStream() {
  check_cuda(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
}

CudaStream::~CudaStream() { cudaStreamDestroy(stream_); }

void progress(const std::string& line) { std::cerr << line << '\n' << std::flush; }

int run_bench(int argc, char** argv, const ToolInfo& tool, const BenchBody& body) {
  Options options;
  bool help = false;
  try {
    options = parse_options(argc, argv, help);
  } catch (const capsim::UsageError& e) {
    std::cerr << tool.name << ": " << e.what() << '\n' << usage(tool);
    return kExitBadCommandLine;
  }
  if (help) {
    std::cout << usage(tool);
    return 0;
  }
  if (!options.out_path.empty()) {
    // Find an unwritable --out before the sweep, not after it.
    std::filesystem::path folder = std::filesystem::path(options.out_path).parent_path();
    if (folder.empty()) folder = ".";
    if (access(folder.c_str(), W_OK) != 0) {
      std::cerr << tool.name << ": --out " << options.out_path << ": folder " << folder.string()
                << " does not exist or is not writable\n";
      return kExitBadCommandLine;
    }
  }

  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess || count == 0) {
    std::cerr << tool.name << ": no CUDA device found";
    if (status != cudaSuccess)
      std::cerr << " (" << cudaGetErrorName(status) << ": " << cudaGetErrorString(status) << ")";
    std::cerr << "; run this program on a GPU node\n";
    return kExitInternal;
  }
  if (options.device >= count) {
    std::cerr << tool.name << ": no CUDA device " << options.device << " (found " << count << ")\n";
    return kExitInternal;
  }

  Json doc;
  const auto started = std::chrono::steady_clock::now();
  try {
    check_cuda(cudaSetDevice(options.device), "cudaSetDevice");
    doc["schema"] = kRawSchema;
    doc["tool"] = tool.name;
    doc["device"] = device_json(options.device);
    doc["host"] = host_name();
    doc["timestamp"] = iso8601_utc_now();
    doc["quick"] = options.quick;
  } catch (const std::exception& e) {
    std::cerr << tool.name << ": " << e.what() << '\n';
    return kExitInternal;
  }

  Report report;
  std::optional<std::string> error;
  try {
    body(options, report);
  } catch (const std::exception& e) {
    // Keep what was measured: a sweep that fails after an hour should not lose the hour.
    error = e.what();
  } catch (...) {
    error = "unknown exception";
  }
  if (error) std::cerr << tool.name << ": " << *error << '\n';
  doc["settings"] = to_json(report.settings);
  doc["measurements"] = to_json(report.measurements);
  doc["skipped"] = to_json(report.skipped);
  if (!report.power.empty()) doc["power"] = to_json(report.power);
  doc["complete"] = !error.has_value();
  if (error) doc["error"] = *error;
  doc["duration_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  try {
    emit(doc, options.out_path);
  } catch (const std::exception& e) {
    std::cerr << tool.name << ": " << e.what() << "; printing the document to stdout instead\n";
    std::cout << doc.dump(2, ' ', false, Json::error_handler_t::replace) << '\n' << std::flush;
    return kExitInternal;
  }
  return error ? kExitInternal : 0;
}

}  // namespace capsim::bench
