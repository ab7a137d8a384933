/// @file bench_gemm.cpp
/// capsim-bench-gemm: cuBLASLt matmul throughput over BF16, FP16, TF32 and FP8 E4M3, for square shapes and for the
/// per-rank GEMMs of Llama 3 layers under tensor parallelism. See kernels/README.md.

#include <cstdio>

#include "kernels/bench_common.hpp"
#include "kernels/gemm_runner.hpp"
#include "kernels/gemm_shapes.hpp"
#include "kernels/power_sampler.hpp"

namespace capsim::bench {

namespace {

constexpr std::size_t kWorkspaceBytes = std::size_t{64} << 20;
/// The power reading holds an 8192^3 GEMM (about 1.4 ms in BF16 on an H100) back to back, 8 per synchronization.
constexpr std::int64_t kPowerGemmSize = 8192;
constexpr int kPowerBatch = 8;

/// How long each power reading settles and then measures, seconds.
struct PowerPhase {
  double settle_s;
  double window_s;
};

/// A, B and D of the case being timed.
struct Operands {
  DeviceBuffer a, b, d;

  bool reserve(std::size_t a_bytes, std::size_t b_bytes, std::size_t d_bytes) {
    if (a.reserve(a_bytes) && b.reserve(b_bytes) && d.reserve(d_bytes)) return true;
    // Growing one buffer at a time can fail where a fresh start fits.
    a.release();
    b.release();
    d.release();
    return a.reserve(a_bytes) && b.reserve(b_bytes) && d.reserve(d_bytes);
  }
};

Fields case_fields(const GemmCase& shape, const GemmDtype& dtype) {
  Fields out = {{"kind", shape.kind}};
  if (!shape.labels.empty()) out.emplace_back("labels", shape.labels);
  out.insert(out.end(), {{"m", shape.m},
                         {"n", shape.n},
                         {"k", shape.k},
                         {"dtype", dtype.name},
                         {"a_b_type", dtype.ab_type},
                         {"d_type", dtype.d_type},
                         {"compute_type", dtype.compute_type}});
  return out;
}

/// "cuBLASLt 13.0.2" from the library's major * 10000 + minor * 100 + patch encoding.
std::string cublaslt_version() {
  const std::size_t v = cublasLtGetVersion();
  return "cuBLASLt " + std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

std::string capability_text(int capability) {
  return std::to_string(capability / 10) + "." + std::to_string(capability % 10);
}

void run_gemm_sweep(const Options& options, Report& report) {
  int major = 0;
  int minor = 0;
  check_cuda(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, options.device), "compute capability");
  check_cuda(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, options.device), "compute capability");
  const int capability = 10 * major + minor;

  GemmTimingPlan plan;
  if (options.quick) plan = GemmTimingPlan{2, 2, 2, 5, 1e-3};

  std::vector<GemmCase> cases = square_cases(options.quick);
  for (GemmCase& c : transformer_cases(llama3_models(), options.quick)) cases.push_back(std::move(c));

  report.settings = {
      {"library", cublaslt_version()},
      {"layout", "TN"},
      {"alpha", 1.0},
      {"beta", 0.0},
      {"workspace_bytes", kWorkspaceBytes},
      {"algo_candidates", plan.candidates},
      {"search_repeats", plan.search_repeats},
      {"min_repeats", plan.min_repeats},
      {"sample_budget_s", plan.budget_s},
      {"long_gemm_s", plan.long_gemm_s},
      {"long_gemm_candidates", plan.long_candidates},
      {"warmup", plan.warmup},
      {"repeats", plan.repeats},
      {"min_sample_s", plan.min_sample_s},
      {"statistic", "median seconds per GEMM over repeats, CUDA events"},
      {"operands", "uniform random in [-1, 1)"},
      {"fp8_fast_accum", false},
  };

  CudaStream stream;
  PowerSampler power(options.device);
  const PowerPhase phase = options.quick ? PowerPhase{0.5, 1.0} : PowerPhase{1.5, 3.0};
  if (power.available()) {
    // Before any kernel has run: the board with a CUDA context open and nothing to do.
    const PowerReading idle = power.measure({}, stream.get(), phase.settle_s, phase.window_s);
    report.power.push_back(power_fields("idle", "CUDA context open, no kernels", idle));
    progress("[power] idle " + std::to_string(static_cast<int>(idle.mean_W)) + " W");
  } else {
    report.skipped.push_back({{"kind", "power"}, {"reason", power.unavailable_reason()}});
  }
  GemmRunner runner(stream.get(), kWorkspaceBytes);
  Operands operands;
  for (const GemmDtype& dtype : gemm_dtypes()) {
    if (capability < dtype.min_compute_capability) {
      report.skipped.push_back({{"dtype", dtype.name},
                                {"reason", "needs compute capability " + capability_text(dtype.min_compute_capability) +
                                               " or newer; the device has " + capability_text(capability)}});
      progress("[gemm] skipping " + dtype.name + ": compute capability " + capability_text(capability));
      continue;
    }
    const std::size_t ab_bytes = fill_type_bytes(dtype.ab_fill);
    const std::size_t d_bytes = fill_type_bytes(dtype.d_fill);
    for (const GemmCase& shape : cases) {
      const auto m = static_cast<std::size_t>(shape.m);
      const auto n = static_cast<std::size_t>(shape.n);
      const auto k = static_cast<std::size_t>(shape.k);
      Fields entry = case_fields(shape, dtype);
      if (!operands.reserve(m * k * ab_bytes, k * n * ab_bytes, m * n * d_bytes)) {
        entry.emplace_back("reason", "operands do not fit in device memory");
        report.skipped.push_back(std::move(entry));
        continue;
      }
      fill_uniform(operands.a.data(), m * k, dtype.ab_fill, 1, stream.get());
      fill_uniform(operands.b.data(), k * n, dtype.ab_fill, 2, stream.get());
      check_cuda(cudaGetLastError(), "fill kernel launch");

      // The power reading rides on the square case of kPowerGemmSize: a sustained, compute-bound GEMM.
      std::function<void(const std::function<void()>&)> read_power;
      if (power.available() && shape.kind == "square" && shape.m == kPowerGemmSize) {
        read_power = [&](const std::function<void()>& enqueue) {
          const PowerReading r = power.measure(
              [&] {
                for (int i = 0; i < kPowerBatch; ++i) enqueue();
              },
              stream.get(), phase.settle_s, phase.window_s);
          Fields entry = power_fields("gemm", dtype.name + " " + std::to_string(kPowerGemmSize) + "^3 GEMM", r);
          entry.emplace_back("dtype", dtype.name);
          entry.insert(entry.end(), {{"m", shape.m}, {"n", shape.n}, {"k", shape.k}});
          entry.emplace_back("tflops", shape.flops() * kPowerBatch * r.batches / r.duration_s / 1e12);
          report.power.push_back(std::move(entry));
          progress("[power] " + dtype.name + " GEMM " + std::to_string(static_cast<int>(r.mean_W)) + " W");
        };
      }
      const GemmResult result =
          runner.time(shape, dtype, operands.a.data(), operands.b.data(), operands.d.data(), plan, read_power);
      if (!result.ok) {
        entry.emplace_back("reason", result.reason);
        report.skipped.push_back(std::move(entry));
        continue;
      }
      const double tflops = shape.flops() / result.time_s / 1e12;
      entry.insert(entry.end(), {{"flop", shape.flops()},
                                 {"time_s", result.time_s},
                                 {"tflops", tflops},
                                 {"algos_tried", result.algos_tried},
                                 {"iters_per_sample", result.iters_per_sample},
                                 {"repeats", result.repeats}});
      report.measurements.push_back(std::move(entry));

      char line[160];
      std::snprintf(line, sizeof line, "[gemm] %-4s m=%-6lld n=%-6lld k=%-6lld %10.3e s %8.1f TFLOP/s",
                    dtype.name.c_str(), static_cast<long long>(shape.m), static_cast<long long>(shape.n),
                    static_cast<long long>(shape.k), result.time_s, tflops);
      progress(line);
    }
  }
}

}  // namespace

}  // namespace capsim::bench

int main(int argc, char** argv) {
  return capsim::bench::run_bench(
      argc, argv,
      {"capsim-bench-gemm", "cuBLASLt matmul sweep (BF16, FP16, TF32, FP8 E4M3): square and Llama 3 shapes"},
      capsim::bench::run_gemm_sweep);
}
