/// @file bench_ops.cpp
/// capsim-bench-ops: time and achieved bandwidth of the memory-bound kernels of a transformer layer (layer norm,
/// RMS norm, SwiGLU, GELU, residual add, FP32 -> BF16 cast), BF16 in and out. CapSim models these kernels as bytes
/// over HBM bandwidth; this program measures what share of the bandwidth such kernels reach. See kernels/README.md.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <numbers>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kernels/bench_common.hpp"
#include "kernels/bf16_host.hpp"
#include "kernels/ops_kernels.hpp"

namespace capsim::bench {

namespace {

constexpr double kNormEps = 1e-5;
constexpr int kVerifyRows = 8;
constexpr std::size_t kBf16 = 2;
constexpr std::size_t kF32 = 4;

enum class Op { layernorm, rmsnorm, swiglu, gelu, residual_add, cast };

const char* op_name(Op op) {
  switch (op) {
    case Op::layernorm:
      return "layernorm";
    case Op::rmsnorm:
      return "rmsnorm";
    case Op::swiglu:
      return "swiglu";
    case Op::gelu:
      return "gelu";
    case Op::residual_add:
      return "residual_add";
    case Op::cast:
      return "cast_fp32_to_bf16";
  }
  return "?";
}

/// One op at one shape. `cols` is the output width (SwiGLU reads 2 x cols).
struct OpCase {
  Op op;
  int rows;
  int cols;
};

/// The bytes of each tensor one call touches. Each is read or written exactly once, so their sum is what the kernel
/// must move through memory.
struct Footprint {
  std::size_t x = 0;       ///< main input
  std::size_t b = 0;       ///< second input (residual add)
  std::size_t params = 0;  ///< gamma, and beta for layer norm
  std::size_t out = 0;     ///< output
  std::size_t moved() const { return x + b + params + out; }
};

Footprint footprint(Op op, int rows, int cols) {
  const std::size_t n = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
  const auto width = static_cast<std::size_t>(cols);
  switch (op) {
    case Op::layernorm:
      return {kBf16 * n, 0, 2 * kBf16 * width, kBf16 * n};
    case Op::rmsnorm:
      return {kBf16 * n, 0, kBf16 * width, kBf16 * n};
    case Op::swiglu:
      return {2 * kBf16 * n, 0, 0, kBf16 * n};
    case Op::gelu:
      return {kBf16 * n, 0, 0, kBf16 * n};
    case Op::residual_add:
      return {kBf16 * n, kBf16 * n, 0, kBf16 * n};
    case Op::cast:
      return {kF32 * n, 0, 0, kBf16 * n};
  }
  return {};
}

/// Norms and residual add at Llama hidden sizes, SwiGLU and GELU at Llama 3 8B and 70B FFN widths.
std::vector<OpCase> op_cases(bool quick) {
  const std::vector<int> token_rows = quick ? std::vector<int>{16384} : std::vector<int>{4096, 16384};
  const std::vector<int> hidden = quick ? std::vector<int>{8192} : std::vector<int>{4096, 8192, 16384};
  const std::vector<int> ffn = quick ? std::vector<int>{14336} : std::vector<int>{14336, 28672};
  std::vector<OpCase> cases;
  for (const Op op : {Op::layernorm, Op::rmsnorm, Op::residual_add, Op::cast}) {
    for (const int rows : token_rows) {
      for (const int cols : hidden) cases.push_back({op, rows, cols});
    }
  }
  for (const Op op : {Op::swiglu, Op::gelu}) {
    for (const int cols : ffn) cases.push_back({op, 4096, cols});
  }
  return cases;
}

/// The device tensors of the case being run; they only grow.
struct Tensors {
  DeviceBuffer x, b, params, out;

  bool reserve(const Footprint& f) {
    if (x.reserve(f.x) && b.reserve(f.b) && params.reserve(f.params) && out.reserve(f.out)) return true;
    // Growing one buffer at a time can fail where a fresh start fits.
    x.release();
    b.release();
    params.release();
    out.release();
    return x.reserve(f.x) && b.reserve(f.b) && params.reserve(f.params) && out.reserve(f.out);
  }
};

std::uint16_t* bf16_data(const DeviceBuffer& buffer) { return static_cast<std::uint16_t*>(buffer.data()); }

/// Enqueues one call of `c.op` on the tensors.
void enqueue(const OpCase& c, const Tensors& t, int blocks, cudaStream_t stream) {
  const std::size_t n = static_cast<std::size_t>(c.rows) * static_cast<std::size_t>(c.cols);
  std::uint16_t* x = bf16_data(t.x);
  std::uint16_t* params = bf16_data(t.params);
  std::uint16_t* out = bf16_data(t.out);
  switch (c.op) {
    case Op::layernorm:
      launch_layernorm(x, params, params + c.cols, out, c.rows, c.cols, static_cast<float>(kNormEps), stream);
      break;
    case Op::rmsnorm:
      launch_rmsnorm(x, params, out, c.rows, c.cols, static_cast<float>(kNormEps), stream);
      break;
    case Op::swiglu:
      launch_swiglu(x, out, c.rows, c.cols, stream);
      break;
    case Op::gelu:
      launch_gelu(x, out, n, blocks, stream);
      break;
    case Op::residual_add:
      launch_residual_add(x, bf16_data(t.b), out, n, blocks, stream);
      break;
    case Op::cast:
      launch_cast_f32_bf16(static_cast<const float*>(t.x.data()), out, n, blocks, stream);
      break;
  }
}

/// Fills every input of `op` with values uniform in [-1, 1) (zeros would flatter the power draw and the clocks).
void fill_inputs(Op op, const Tensors& t, const Footprint& f, int blocks, cudaStream_t stream) {
  if (op == Op::cast) {
    launch_fill_f32(static_cast<float*>(t.x.data()), f.x / kF32, 1, blocks, stream);
  } else {
    launch_fill_bf16(bf16_data(t.x), f.x / kBf16, 1, blocks, stream);
  }
  if (f.b > 0) launch_fill_bf16(bf16_data(t.b), f.b / kBf16, 2, blocks, stream);
  if (f.params > 0) launch_fill_bf16(bf16_data(t.params), f.params / kBf16, 3, blocks, stream);
  check_cuda(cudaGetLastError(), "fill kernel launch");
}

// ---- host reference -------------------------------------------------------------------------------------------

/// The tensors of a verification run, copied to the host as floats.
struct HostTensors {
  std::vector<float> x, b, params, out;
};

std::vector<float> download_bf16(const DeviceBuffer& buffer, std::size_t bytes, cudaStream_t stream) {
  std::vector<std::uint16_t> bits(bytes / kBf16);
  check_cuda(cudaMemcpyAsync(bits.data(), buffer.data(), bytes, cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync");
  check_cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  std::vector<float> values(bits.size());
  for (std::size_t i = 0; i < bits.size(); ++i) values[i] = from_bf16(bits[i]);
  return values;
}

HostTensors download(Op op, const Tensors& t, const Footprint& f, cudaStream_t stream) {
  HostTensors h;
  if (op == Op::cast) {
    h.x.resize(f.x / kF32);
    check_cuda(cudaMemcpyAsync(h.x.data(), t.x.data(), f.x, cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync");
  } else {
    h.x = download_bf16(t.x, f.x, stream);
  }
  if (f.b > 0) h.b = download_bf16(t.b, f.b, stream);
  if (f.params > 0) h.params = download_bf16(t.params, f.params, stream);
  h.out = download_bf16(t.out, f.out, stream);
  return h;
}

/// Layer norm (with beta) or RMS norm of each row, in double precision.
std::vector<double> norm_reference(const HostTensors& h, int rows, int cols, bool layer) {
  std::vector<double> ref(h.x.size());
  for (int r = 0; r < rows; ++r) {
    const float* x = h.x.data() + static_cast<std::size_t>(r) * cols;
    double mean = 0.0;
    if (layer) {
      for (int c = 0; c < cols; ++c) mean += x[c];
      mean /= cols;
    }
    double squares = 0.0;
    for (int c = 0; c < cols; ++c) squares += (x[c] - mean) * (x[c] - mean);
    const double rstd = 1.0 / std::sqrt(squares / cols + kNormEps);
    for (int c = 0; c < cols; ++c) {
      const double beta = layer ? h.params[static_cast<std::size_t>(cols) + c] : 0.0;
      ref[static_cast<std::size_t>(r) * cols + c] = (x[c] - mean) * rstd * h.params[c] + beta;
    }
  }
  return ref;
}

std::vector<double> swiglu_reference(const HostTensors& h, int rows, int cols) {
  std::vector<double> ref(static_cast<std::size_t>(rows) * cols);
  for (int r = 0; r < rows; ++r) {
    const float* gate = h.x.data() + static_cast<std::size_t>(r) * 2 * cols;
    for (int c = 0; c < cols; ++c) {
      const double g = gate[c];
      ref[static_cast<std::size_t>(r) * cols + c] = g / (1.0 + std::exp(-g)) * gate[cols + c];
    }
  }
  return ref;
}

/// GELU (tanh form), residual add or cast of element i.
double elementwise_reference(Op op, const HostTensors& h, std::size_t i) {
  const double x = h.x[i];
  switch (op) {
    case Op::gelu:
      return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / std::numbers::pi) * (x + 0.044715 * x * x * x)));
    case Op::residual_add:
      return x + h.b[i];
    default:
      return x;  // the cast
  }
}

std::vector<double> reference(const OpCase& c, const HostTensors& h) {
  if (c.op == Op::layernorm || c.op == Op::rmsnorm) return norm_reference(h, c.rows, c.cols, c.op == Op::layernorm);
  if (c.op == Op::swiglu) return swiglu_reference(h, c.rows, c.cols);
  std::vector<double> ref(h.out.size());
  for (std::size_t i = 0; i < ref.size(); ++i) ref[i] = elementwise_reference(c.op, h, i);
  return ref;
}

std::string case_text(const OpCase& c) {
  return std::string(op_name(c.op)) + " (" + std::to_string(c.rows) + " x " + std::to_string(c.cols) + ")";
}

/// The kernels' preconditions (ops_kernels.hpp): whole vectors, and rows that fit a norm block's registers.
void check_supported(const OpCase& c) {
  const bool norm = c.op == Op::layernorm || c.op == Op::rmsnorm;
  if (c.rows <= 0 || c.cols % kOpsVector != 0 || (norm && !norm_cols_supported(c.cols))) {
    throw capsim::Error(case_text(c) + ": shape not supported by the kernels");
  }
}

/// Throws unless every output is within BF16 rounding (2^-9 relative, with margin) plus a small absolute slack of
/// the reference. The output was filled with NaN first, so an element the kernel did not write fails.
void compare(const OpCase& c, const std::vector<double>& ref, const std::vector<float>& got) {
  if (ref.size() != got.size()) throw capsim::Error(case_text(c) + " verification: output size mismatch");
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const double tolerance = 1e-3 + std::fabs(ref[i]) / 128.0;
    if (!(std::fabs(got[i] - ref[i]) <= tolerance)) {
      char text[160];
      std::snprintf(text, sizeof text, " verification failed at element %zu: got %.6g, expected %.6g", i,
                    static_cast<double>(got[i]), ref[i]);
      throw capsim::Error(case_text(c) + text);
    }
  }
}

/// A fill that wrote nothing (or a constant) would make several references trivial.
void check_spread(const OpCase& c, const std::vector<float>& x) {
  float low = 1.0f;
  float high = -1.0f;
  for (const float v : x) {
    if (!(v >= -1.0f && v <= 1.0f)) throw capsim::Error(case_text(c) + " verification: fill value out of [-1, 1]");
    low = std::min(low, v);
    high = std::max(high, v);
  }
  if (high - low < 1.0f) throw capsim::Error(case_text(c) + " verification: the fill kernel did not spread values");
}

/// Runs `op` once at width `cols` on a few rows and checks it against the host reference, so that a kernel that does
/// nothing, or the wrong thing, cannot report a bandwidth.
void verify(Op op, int cols, int blocks, cudaStream_t stream) {
  const OpCase c{op, kVerifyRows, cols};
  const Footprint f = footprint(op, c.rows, c.cols);
  Tensors t;
  if (!t.reserve(f)) throw capsim::Error("cannot allocate the verification tensors of " + case_text(c));
  fill_inputs(op, t, f, blocks, stream);
  check_cuda(cudaMemsetAsync(t.out.data(), 0xff, f.out, stream), "cudaMemsetAsync");  // 0xffff is a BF16 NaN
  enqueue(c, t, blocks, stream);
  check_cuda(cudaGetLastError(), "verification launch");
  const HostTensors h = download(op, t, f, stream);
  check_spread(c, h.x);
  compare(c, reference(c, h), h.out);
}

// ---- sweep ----------------------------------------------------------------------------------------------------

struct Timing {
  int warmup;
  int repeats;
  double min_sample_s;
};

double time_op(const std::function<void()>& enqueue_once, cudaStream_t stream, const Timing& timing) {
  const int iters = iters_for_sample(enqueue_once, stream, timing.min_sample_s);
  return time_median_s(enqueue_once, stream, timing.warmup, timing.repeats, iters);
}

void record(Report& report, const OpCase& c, std::size_t bytes, double time_s) {
  const double bandwidth = static_cast<double>(bytes) / time_s;
  report.measurements.push_back({{"op", std::string(op_name(c.op))},
                                 {"dtype", "bf16"},
                                 {"rows", static_cast<std::int64_t>(c.rows)},
                                 {"cols", static_cast<std::int64_t>(c.cols)},
                                 {"bytes", bytes},
                                 {"time_s", time_s},
                                 {"bandwidth_Bps", bandwidth}});
  char line[160];
  std::snprintf(line, sizeof line, "[ops] %-17s %6d x %-6d %12zu B %10.3e s %8.1f GB/s", op_name(c.op), c.rows, c.cols,
                bytes, time_s, bandwidth / 1e9);
  progress(line);
}

Fields ops_settings(const Timing& timing, int blocks) {
  return {
      {"threads_per_block", static_cast<std::int64_t>(kOpsThreadsPerBlock)},
      {"elementwise_blocks", static_cast<std::int64_t>(blocks)},
      {"access", "16-byte loads and stores of 8 bf16 values (the cast reads two float4), fp32 math"},
      {"norm_kernel", "one block per row, the row held in registers, warp-shuffle + shared-memory reductions"},
      {"norm_eps", kNormEps},
      {"elementwise_kernel",
       "gelu, residual_add, cast: grid-stride loop over one full-occupancy wave of blocks, 4 vectors loaded per thread "
       "before any store; swiglu: one thread per output vector"},
      {"gelu_tanh", "tanh.approx.f32"},
      {"swiglu_layout", "input rows x 2 cols (gate, then up), output rows x cols; cols is the FFN width"},
      {"warmup", static_cast<std::int64_t>(timing.warmup)},
      {"repeats", static_cast<std::int64_t>(timing.repeats)},
      {"min_sample_s", timing.min_sample_s},
      {"statistic", "median seconds per kernel over repeats, CUDA events"},
      {"bytes_counted",
       "every tensor read or written once (bf16 2 bytes, fp32 4): layernorm 4 rows cols + 4 cols (gamma, beta), "
       "rmsnorm 4 rows cols + 2 cols (gamma), swiglu 6 rows cols (2 cols in, cols out), gelu 4 rows cols, "
       "residual_add 6 rows cols, cast_fp32_to_bf16 6 rows cols"},
      {"inputs", "uniform in [-1, 1) from a hash of the index"},
      {"verification", "every op at every width on 8 rows against a double-precision host reference, before timing"},
  };
}

void run_ops_sweep(const Options& options, Report& report) {
  const Timing timing = options.quick ? Timing{2, 5, 1e-3} : Timing{3, 20, 2e-3};
  const int blocks = ops_grid_blocks();
  if (blocks <= 0) throw CudaError("cannot size the kernel grid (cudaOccupancyMaxActiveBlocksPerMultiprocessor)");
  report.settings = ops_settings(timing, blocks);

  const std::vector<OpCase> cases = op_cases(options.quick);
  for (const OpCase& c : cases) check_supported(c);
  CudaStream stream;
  const cudaStream_t s = stream.get();
  std::set<std::pair<Op, int>> verified;
  for (const OpCase& c : cases) {
    if (verified.insert({c.op, c.cols}).second) verify(c.op, c.cols, blocks, s);
  }
  progress("[ops] " + std::to_string(verified.size()) + " kernel/width pairs verified against the host reference");

  Tensors tensors;
  for (const OpCase& c : cases) {
    const Footprint f = footprint(c.op, c.rows, c.cols);
    if (!tensors.reserve(f)) {
      report.skipped.push_back({{"op", std::string(op_name(c.op))},
                                {"rows", static_cast<std::int64_t>(c.rows)},
                                {"cols", static_cast<std::int64_t>(c.cols)},
                                {"reason", "tensors do not fit in device memory"}});
      continue;
    }
    fill_inputs(c.op, tensors, f, blocks, s);
    const double time_s = time_op([&] { enqueue(c, tensors, blocks, s); }, s, timing);
    record(report, c, f.moved(), time_s);
  }
}

}  // namespace

}  // namespace capsim::bench

int main(int argc, char** argv) {
  return capsim::bench::run_bench(
      argc, argv,
      {"capsim-bench-ops",
       "memory-bound transformer kernels (layer norm, RMS norm, SwiGLU, GELU, residual add, cast): bf16 bandwidth"},
      capsim::bench::run_ops_sweep);
}
