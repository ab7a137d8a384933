/// @file bench_attention.cpp
/// capsim-bench-attention: cuDNN fused flash attention (SDPA), causal, BF16, forward and backward, for the per-GPU
/// attention shapes of Llama 3 70B at tensor parallelism 8 and 1, over sequence lengths. cuDNN is loaded at run
/// time; without it the document says so in "skipped" and the program still succeeds. See kernels/README.md.

#include <cstdio>

#include "kernels/attention_runner.hpp"
#include "kernels/bench_common.hpp"
#include "kernels/cudnn_loader.hpp"

namespace capsim::bench {

namespace {

constexpr std::int64_t kHeadDim = 128;
constexpr std::size_t kMinCudnnVersion = 90000;

/// Attention heads on one GPU: query heads and KV heads per tensor-parallel rank.
struct HeadConfig {
  std::string label;
  std::int64_t heads;
  std::int64_t kv_heads;
};

/// Llama 3 70B (64 query heads, 8 KV heads, head_dim 128) on one rank at TP 8 and TP 1.
std::vector<HeadConfig> head_configs() { return {{"llama3-70b/tp8", 8, 1}, {"llama3-70b/tp1", 64, 8}}; }

std::vector<std::int64_t> seq_lens(bool quick) {
  if (quick) return {1024, 8192};
  return {1024, 2048, 4096, 8192, 16384, 32768};
}

Fields case_fields(const char* op, const HeadConfig& config, const AttentionShape& shape) {
  return {{"op", op},
          {"labels", std::vector<std::string>{config.label}},
          {"causal", true},
          {"dtype", "bf16"},
          {"batch", shape.batch},
          {"heads", shape.heads},
          {"kv_heads", shape.kv_heads},
          {"seq_len", shape.seq_len},
          {"head_dim", shape.head_dim}};
}

void record(Report& report, const char* op, const HeadConfig& config, const AttentionShape& shape, double flop,
            const AttentionResult& result) {
  Fields entry = case_fields(op, config, shape);
  if (!result.ok) {
    entry.emplace_back("reason", result.reason);
    report.skipped.push_back(std::move(entry));
    progress(std::string("[attention] skipping ") + op + " " + config.label + " s=" + std::to_string(shape.seq_len) +
             ": " + result.reason);
    return;
  }
  const double tflops = flop / result.time_s / 1e12;
  entry.insert(entry.end(), {{"flop", flop},
                             {"time_s", result.time_s},
                             {"tflops", tflops},
                             {"engine", result.engine},
                             {"engine_id", result.engine_id},
                             {"workspace_bytes", result.workspace_bytes},
                             {"iters_per_sample", result.iters_per_sample},
                             {"plan_s", result.plan_s}});
  report.measurements.push_back(std::move(entry));

  char line[200];
  std::snprintf(line, sizeof line, "[attention] %-8s %-15s s=%-6lld %10.3e s %8.1f TFLOP/s  %s", op,
                config.label.c_str(), static_cast<long long>(shape.seq_len), result.time_s, tflops,
                result.engine.c_str());
  progress(line);
}

/// Every case of the sweep, skipped for the same reason (no cuDNN, no engine).
void skip_all(Report& report, const std::string& reason) {
  report.skipped.push_back({{"op", "sdpa"}, {"reason", reason}});  // "sdpa": both sdpa_fwd and sdpa_bwd
  progress("[attention] skipping every case: " + reason);
}

void run_attention_sweep(const Options& options, Report& report) {
  const AttentionTiming timing = options.quick ? AttentionTiming{2, 5, 1e-3} : AttentionTiming{3, 10, 2e-3};
  const CudnnLibrary library;
  const std::size_t version = library.loaded() ? library.api().get_version() : 0;

  report.settings = {
      {"library", library.loaded() ? "cuDNN " + cudnn_version_text(version) : std::string("cuDNN (not loaded)")},
      {"cudnn_version", static_cast<std::uint64_t>(version)},
      {"library_path", library.path()},
      {"api", "cuDNN backend graph API, loaded with dlopen; graphs lowered as cudnn_frontend's sdpa/sdpa_backward"},
      {"engine_selection", "heuristics CUDNN_HEUR_MODE_A, first engine configuration that finalizes"},
      {"layout", "Q, K, V, O, dO and gradients BHSD packed; K and V transposed by strides"},
      {"precision", "bf16 inputs and outputs; fp32 scores, softmax, statistics and dQ accumulation"},
      {"mask", "causal (top-left)"},
      {"attn_scale", "1/sqrt(head_dim)"},
      {"warmup", timing.warmup},
      {"repeats", timing.repeats},
      {"min_sample_s", timing.min_sample_s},
      {"statistic", "median seconds per call over repeats, CUDA events"},
      {"flop_convention", "FlashAttention: forward 4*b*h*s^2*d, halved for the causal mask; backward 2.5 x forward"},
      {"operands", "Q, K, V, dO uniform random in [-1, 1); the backward reads the forward's O and statistics"},
      {"check",
       "forward and backward once against a host reference: b=2, h=4, kv_heads=2, s=256 and b=1, h=2, kv_heads=2, "
       "s=128 (d=128)"},
  };
  if (!library.loaded()) return skip_all(report, library.error());
  if (version < kMinCudnnVersion) {
    return skip_all(report, "cuDNN " + cudnn_version_text(version) + " is too old: the graphs need cuDNN 9");
  }

  CudaStream stream;
  AttentionRunner runner(library, stream.get());
  const AttentionCheck check = runner.verify();
  if (!check.forward.empty()) return skip_all(report, check.forward);
  progress(check.backward.empty() ? "[attention] forward and backward match the host reference"
                                  : "[attention] forward matches the host reference; " + check.backward);

  for (const HeadConfig& config : head_configs()) {
    for (const std::int64_t seq_len : seq_lens(options.quick)) {
      const AttentionShape shape{1, config.heads, config.kv_heads, seq_len, kHeadDim};
      AttentionResults results = runner.time(shape, timing, check.backward.empty());
      if (!check.backward.empty()) results.backward.reason = check.backward;
      record(report, "sdpa_fwd", config, shape, shape.forward_flop(), results.forward);
      record(report, "sdpa_bwd", config, shape, shape.backward_flop(), results.backward);
    }
  }
}

}  // namespace

}  // namespace capsim::bench

int main(int argc, char** argv) {
  return capsim::bench::run_bench(
      argc, argv, {"capsim-bench-attention", "cuDNN fused flash attention (SDPA), causal, BF16, forward and backward"},
      capsim::bench::run_attention_sweep);
}
