#pragma once
/// @file attention_runner.hpp
/// Times cuDNN's fused flash attention (scaled dot-product attention, SDPA), causal, BF16, forward and backward.
///
/// The graphs are built from cuDNN backend operations exactly the way NVIDIA's cudnn_frontend lowers `sdpa` and
/// `sdpa_backward` (its "composite" nodes): Q.K^T matmul, attention scale, causal mask (GEN_INDEX, CMP_GE,
/// BINARY_SELECT), softmax from reductions with the log-sum-exp statistics as an output, then .V; the backward graph
/// recomputes the probabilities from those statistics. cuDNN's heuristics recognise the pattern and hand it to the
/// fused flash-attention engine. cudnn_frontend itself is a header library this project does not depend on.

#include <cuda_runtime_api.h>

#include <cstdint>
#include <memory>
#include <string>

#include "kernels/bench_common.hpp"
#include "kernels/cudnn_loader.hpp"

namespace capsim::bench {

/// One attention problem: Q is batch x heads x seq_len x head_dim, K and V have kv_heads heads (grouped-query
/// attention when kv_heads < heads; query head h reads KV head h / (heads / kv_heads)). Self-attention: the query
/// and key sequences have the same length.
struct AttentionShape {
  std::int64_t batch = 1;
  std::int64_t heads = 1;
  std::int64_t kv_heads = 1;
  std::int64_t seq_len = 1;
  std::int64_t head_dim = 128;

  /// FlashAttention convention: 4 b h s^2 d for the two matmuls, halved for the causal mask.
  double forward_flop() const;
  /// 2.5 x forward (five matmuls instead of two).
  double backward_flop() const;
};

/// How long to time each case.
struct AttentionTiming {
  int warmup = 3;              ///< untimed runs before the samples
  int repeats = 10;            ///< timed samples; the median is reported
  double min_sample_s = 2e-3;  ///< short runs repeat back to back until one sample lasts this long
};

/// Outcome of one direction of one case: a time, or why it could not run.
struct AttentionResult {
  bool ok = false;
  std::string reason;                 ///< why it was skipped (when !ok)
  double time_s = 0.0;                ///< median seconds per call
  int iters_per_sample = 0;           ///< back-to-back calls in one timed sample
  std::int64_t engine_id = -1;        ///< cuDNN engine global index of the plan that ran
  std::string engine;                 ///< engine and knob choices, e.g. "engine 8: TILE_M=2 TILE_N=1"
  std::uint64_t workspace_bytes = 0;  ///< cuDNN plan workspace (the backward graph's own buffers not included)
  double plan_s = 0.0;                ///< seconds to build the graph and find a plan (heuristics, finalization)
};

/// Forward and backward of one case.
struct AttentionResults {
  AttentionResult forward;
  AttentionResult backward;
};

/// Outcome of AttentionRunner::verify: for each direction, "" when it matched the host reference, otherwise why
/// cuDNN could not run it.
struct AttentionCheck {
  std::string forward;
  std::string backward;
};

struct AttentionBuffers;

/// Owns a cuDNN handle and the device buffers of the case being timed, on the current device. Not copyable.
class AttentionRunner {
 public:
  /// `library` must be loaded and outlive the runner; work is enqueued on `stream` (not owned).
  AttentionRunner(const CudnnLibrary& library, cudaStream_t stream);
  ~AttentionRunner();
  AttentionRunner(const AttentionRunner&) = delete;
  AttentionRunner& operator=(const AttentionRunner&) = delete;

  /// Runs forward and backward once on two small cases with known inputs, grouped-query (b=2, h=4, kv_h=2, s=256,
  /// d=128) and multi-head (b=1, h=2, kv_h=2, s=128, d=128), and compares O, the statistics, dQ, dK and dV with a
  /// host reference in double precision, so that a graph that silently computes garbage cannot report a speed.
  /// Throws capsim::Error when a result is wrong.
  AttentionCheck verify();

  /// Times the forward graph, then (when `backward`) the backward graph on the forward's O and statistics and a
  /// random dO. Q, K, V and dO are uniform random in [-1, 1). A case whose buffers do not fit, or that has no
  /// engine, comes back !ok with the reason.
  AttentionResults time(const AttentionShape& shape, const AttentionTiming& timing, bool backward);

 private:
  AttentionCheck verify(const AttentionShape& shape);

  const CudnnApi& api_;
  std::size_t version_;
  cudaStream_t stream_;
  cudnnHandle_t handle_ = nullptr;
  std::unique_ptr<AttentionBuffers> buffers_;
};

}  // namespace capsim::bench
