#pragma once
/// @file gemm_runner.hpp
/// Times one cuBLASLt matmul: builds the descriptors for a precision, asks the heuristic for a few algorithms,
/// keeps the fastest and reports its median time.

#include <cublasLt.h>
#include <cuda_runtime_api.h>

#include <cstddef>
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

/// How hard to look for the fastest algorithm and how long to time it.
struct GemmTimingPlan {
  int candidates = 4;          ///< heuristic results to try
  int search_repeats = 3;      ///< timed samples per candidate
  int warmup = 3;              ///< untimed runs of the winner before its samples
  int repeats = 20;            ///< timed samples of the winner; the median is reported
  double min_sample_s = 1e-3;  ///< small GEMMs run back to back until one sample lasts this long
};

/// Outcome of timing one case: a time, or why it could not run.
struct GemmResult {
  bool ok = false;
  std::string reason;        ///< why it was skipped (when !ok)
  double time_s = 0.0;       ///< median seconds per GEMM
  int algos_tried = 0;       ///< heuristic results timed
  int iters_per_sample = 0;  ///< back-to-back GEMMs in one timed sample
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
  GemmResult time(const GemmCase& shape, const GemmDtype& dtype, const void* a, const void* b, void* d,
                  const GemmTimingPlan& plan);

  std::size_t workspace_bytes() const { return workspace_bytes_; }

 private:
  cudaStream_t stream_;
  cublasLtHandle_t handle_ = nullptr;
  void* workspace_ = nullptr;
  std::size_t workspace_bytes_ = 0;
  void* unit_scale_ = nullptr;  ///< device float 1.0 for the FP8 A and B scale pointers
};

}  // namespace capsim::bench
