#pragma once
/// @file gemm_runner.hpp
/// Times one cuBLASLt matmul: builds the descriptors for a precision, asks the heuristic for a few algorithms,
/// keeps the fastest and reports its median time.

#include <cublasLt.h>
#include <cuda_runtime_api.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "kernels/gemm_fill.hpp"
#include "kernels/gemm_shapes.hpp"

namespace capsim::bench {

/// One precision of the sweep, as cuBLASLt types. Names follow capsim::hw::Precision ("bf16", "fp8", ...).
struct GemmDtype {
  std::string name;          ///< precision name: "bf16", "fp16", "tf32", "fp8"
  std::string ab_type;       ///< storage of A and B: "bf16", "fp16", "fp32", "e4m3"
  std::string d_type;        ///< storage of D (and C)
  std::string compute_type;  ///< cuBLAS compute type, without the CUBLAS_COMPUTE_ prefix
  cudaDataType_t ab_cuda;
  cudaDataType_t d_cuda;
  cublasComputeType_t compute;
  FillType ab_fill;
  FillType d_fill;
  int min_compute_capability;  ///< 10 * major + minor
};

/// BF16, FP16, TF32 and FP8 E4M3, in sweep order.
const std::vector<GemmDtype>& gemm_dtypes();

/// How hard to look for the fastest algorithm and how long to time it. Long GEMMs get fewer candidates and
/// samples: their run-to-run spread is small, the heuristic's first picks are the ones that matter, and the sweep
/// must fit the calibration's time budget (kernels/README.md).
struct GemmTimingPlan {
  int candidates = 4;          ///< heuristic results to try
  int search_repeats = 3;      ///< timed samples per candidate
  int warmup = 3;              ///< untimed runs of the winner before its samples
  int repeats = 20;            ///< timed samples of the winner at most; the median is reported
  double min_sample_s = 1e-3;  ///< small GEMMs run back to back until one sample lasts this long
  int min_repeats = 5;         ///< timed samples of the winner at least
  double budget_s = 0.1;       ///< the winner's samples stop at about this much GPU time (above min_repeats)
  double long_gemm_s = 5e-3;   ///< a GEMM at least this long is "long"
  int long_candidates = 2;     ///< candidates tried for a long GEMM
  int long_search_repeats = 2; ///< samples per candidate for a long GEMM
};

/// Outcome of timing one case: a time, or why it could not run.
struct GemmResult {
  bool ok = false;
  std::string reason;        ///< why it was skipped (when !ok)
  double time_s = 0.0;       ///< median seconds per GEMM
  int algos_tried = 0;       ///< heuristic results timed
  int iters_per_sample = 0;  ///< back-to-back GEMMs in one timed sample
  int repeats = 0;           ///< timed samples of the winner
};

/// Owns a cuBLASLt handle, a workspace and the FP8 scale factors on one device. Not copyable.
class GemmRunner {
 public:
  /// Allocates `workspace_bytes` of device memory for cuBLASLt; work is enqueued on `stream` (not owned).
  GemmRunner(cudaStream_t stream, std::size_t workspace_bytes);
  ~GemmRunner();
  GemmRunner(const GemmRunner&) = delete;
  GemmRunner& operator=(const GemmRunner&) = delete;

  /// Times D[m x n] = A^T B in column-major "TN" layout (the layout FP8 requires): A is stored k x m, B k x n, both
  /// with leading dimension k; alpha = 1, beta = 0. The operands must hold data of `dtype` and be large enough.
  /// When given, `with_best` is called after timing with a function that enqueues one GEMM of the winning
  /// algorithm (e.g. to hold the GPU busy while its power is read).
  GemmResult time(const GemmCase& shape, const GemmDtype& dtype, const void* a, const void* b, void* d,
                  const GemmTimingPlan& plan,
                  const std::function<void(const std::function<void()>& enqueue)>& with_best = {});

  std::size_t workspace_bytes() const { return workspace_bytes_; }

 private:
  cudaStream_t stream_;
  cublasLtHandle_t handle_ = nullptr;
  void* workspace_ = nullptr;
  std::size_t workspace_bytes_ = 0;
  void* unit_scale_ = nullptr;  ///< device float 1.0 for the FP8 A and B scale pointers
};

}  // namespace capsim::bench
