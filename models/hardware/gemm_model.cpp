#include "models/hardware/gemm_model.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace capsim::hw {

namespace {

/// Output tile shapes a CUTLASS/cuBLAS-class kernel chooses from, with the share of the best tile's throughput each
/// reaches on a full wave. Smaller tiles re-read operands more often per FLOP (lower arithmetic intensity per SM),
/// so they run slower; the figures follow CUTLASS's profiler ratios for Ampere/Hopper BF16 kernels.
struct Tile {
  double m;
  double n;
  double rel_throughput;
};
constexpr Tile kTiles[] = {
    {256, 128, 1.00},
    {128, 256, 1.00},
    {128, 128, 0.93},
    {128, 64, 0.80},
    {64, 64, 0.60},
};

/// K-loop depth at which a tile's fixed cost (prologue, epilogue, scheduling) equals its main loop, for a reference
/// SM: Hopper FP8 (1979 TFLOP/s over 132 SMs). Fitted once to Azure's cuBLASLt FP8 sweep on H100 (1382, 1377, 1290
/// and 1217 TFLOP/s at 32768^3 .. 4096^3: 8192^3 reaches 93% and 4096^3 88% of the best). The fixed cost is time,
/// so in K-steps it scales with how fast an SM's main loop runs: per-SM peak / reference per-SM peak. That gives
/// ~250 for H100 BF16 and ~96 for A100 BF16.
constexpr double kReferenceHalfK = 500.0;
constexpr double kReferencePerSmFlops = 1979e12 / 132;

static_assert(static_cast<int>(Precision::int4) == 7, "clock_ratio_ holds one entry per Precision");

}  // namespace

double flash_attention_flops(double batch, double heads, double sq, double skv, double head_dim, bool causal) {
  const double causal_share = causal ? std::min(1.0, 0.5 * (1.0 + 128.0 / sq)) : 1.0;
  return 4.0 * batch * heads * sq * skv * head_dim * causal_share;
}

double flash_head_factor(double head_dim) { return 0.75 + 0.25 * std::min(1.0, head_dim / 128.0); }

GemmModel::GemmModel(const GpuSpec& gpu, Clocks clocks)
    : gpu_(&gpu),
      sms_(std::max(1, gpu.sm_count)),
      hbm_Bps_(gpu.hbm_achieved_Bps > 0 ? gpu.hbm_achieved_Bps : gpu.hbm_bw_Bps),
      elementwise_Bps_(gpu.elementwise_Bps > 0 ? gpu.elementwise_Bps : hbm_Bps_),
      overhead_s_(gpu.kernel_overhead_s) {
  // The analytical engine builds one model per step estimate: walk the GPU's few entries once, no lookups per
  // precision. Caps fall back to bf16's (GpuSpec::gemm_efficiency_cap).
  const double bf16_cap = gpu.gemm_efficiency_cap(Precision::bf16);
  double cap[8];
  for (int p = 0; p < 8; ++p) {
    clock_ratio_[p] = 1.0;
    cap[p] = bf16_cap;
    peak_[p] = 0;
  }
  if (clocks == Clocks::sustained) {
    for (const auto& [math, ratio] : gpu.sustained_gemm_ratio) clock_ratio_[static_cast<int>(math)] = ratio;
  }
  for (const auto& [math, share] : gpu.max_gemm_efficiency) cap[static_cast<int>(math)] = share;
  for (const auto& [math, flops] : gpu.peak_flops) peak_[static_cast<int>(math)] = flops;
  for (int p = 0; p < 8; ++p) {
    cap_[p] = cap[p] * clock_ratio_[p];
    half_k_[p] = kReferenceHalfK * (peak_[p] / sms_) / kReferencePerSmFlops;
  }
  for (const auto& [math, k] : gpu.gemm_half_k) half_k_[static_cast<int>(math)] = k;
}

namespace {

/// The best tile's share of peak for an m x n x batch output on `sms` SMs: wave quantization and edge fill.
double best_tile_share(double m, double n, double batch, double sms) {
  double best = 0;
  for (const Tile& tile : kTiles) {
    const double tiles = std::ceil(m / tile.m) * std::ceil(n / tile.n) * batch;
    const double waves = std::ceil(tiles / sms);
    // Work actually useful inside the padded tiles (edge tiles compute garbage rows/columns).
    const double fill = (m * n * batch) / (tiles * tile.m * tile.n);
    const double wave_use = tiles / (waves * sms);
    best = std::max(best, tile.rel_throughput * wave_use * fill);
  }
  return best;
}

/// A small per-thread memo of best_tile_share. A design search times millions of layouts whose GEMMs repeat the
/// same few hundred output shapes, and the tile loop was 41% of its time (perf). The key is every input of the
/// function, so a hit returns exactly what the loop would; threads never share an entry.
struct TileMemo {
  double m = -1, n = -1, batch = -1, sms = -1;
  double best = 0;
};
constexpr std::size_t kTileMemoSize = 1024;  // a power of two

double memo_tile_share(double m, double n, double batch, double sms) {
  thread_local std::array<TileMemo, kTileMemoSize> memo;
  // Round figures (4096.0, 8192.0) have all-zero low mantissa bits: mix, then take the high bits.
  auto mix = [](std::uint64_t x) {  // splitmix64's finalizer
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    return x ^ (x >> 31);
  };
  std::uint64_t h = mix(std::bit_cast<std::uint64_t>(m));
  h = mix(h ^ std::bit_cast<std::uint64_t>(n));
  h = mix(h ^ std::bit_cast<std::uint64_t>(batch));
  h = mix(h ^ std::bit_cast<std::uint64_t>(sms));
  static_assert(kTileMemoSize == 1u << 10, "the index below takes the top 10 bits");
  TileMemo& e = memo[h >> 54];
  if (e.m != m || e.n != n || e.batch != batch || e.sms != sms) {
    e = {m, n, batch, sms, best_tile_share(m, n, batch, sms)};
  }
  return e.best;
}

}  // namespace

double GemmModel::efficiency(const GemmShape& shape, Precision math) const {
  const int p = static_cast<int>(math);
  if (shape.m <= 0 || shape.n <= 0 || shape.k <= 0 || shape.batch <= 0) return cap_[p];
  const double best = memo_tile_share(shape.m, shape.n, shape.batch, sms_);
  const double k_eff = shape.k / (shape.k + half_k_[p]);
  return cap_[p] * best * k_eff;
}

double GemmModel::half_k(Precision math) const {
  if (gpu_->gemm_half_k.count(math) == 0) gpu_->peak(math);  // a derived half point needs the math mode
  return half_k_[static_cast<int>(math)];
}

double GemmModel::gemm_time_s(const GemmShape& shape, Precision math, double element_bytes) const {
  const double peak = peak_[static_cast<int>(math)] > 0 ? peak_[static_cast<int>(math)] : gpu_->peak(math);
  const double compute = shape.flops() / (peak * efficiency(shape, math));
  const double bytes = (shape.m * shape.k + shape.k * shape.n + shape.m * shape.n) * shape.batch * element_bytes;
  return std::max(compute, bytes / hbm_Bps_) + overhead_s_;
}

double GemmModel::memory_time_s(double bytes) const { return bytes / elementwise_Bps_ + overhead_s_; }

double GemmModel::compute_time_s(double flops, Precision math, double efficiency) const {
  const double peak = peak_[static_cast<int>(math)] > 0 ? peak_[static_cast<int>(math)] : gpu_->peak(math);
  return flops / (peak * efficiency * clock_ratio_[static_cast<int>(math)]);
}

}  // namespace capsim::hw
