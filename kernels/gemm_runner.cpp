#include "kernels/gemm_runner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/bench_common.hpp"

namespace capsim::bench {

namespace {

void check_cublas(cublasStatus_t status, const char* what) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  throw CudaError(std::string(what) + ": " + cublasLtGetStatusName(status) + " (" + cublasLtGetStatusString(status) +
                  ")");
}

/// The descriptors of one matmul, destroyed together.
struct MatmulDescriptors {
  cublasLtMatmulDesc_t op = nullptr;
  cublasLtMatrixLayout_t a = nullptr;
  cublasLtMatrixLayout_t b = nullptr;
  cublasLtMatrixLayout_t d = nullptr;
  cublasLtMatmulPreference_t preference = nullptr;

  MatmulDescriptors() = default;
  MatmulDescriptors(const MatmulDescriptors&) = delete;
  MatmulDescriptors& operator=(const MatmulDescriptors&) = delete;
  ~MatmulDescriptors() {
    if (preference) cublasLtMatmulPreferenceDestroy(preference);
    if (d) cublasLtMatrixLayoutDestroy(d);
    if (b) cublasLtMatrixLayoutDestroy(b);
    if (a) cublasLtMatrixLayoutDestroy(a);
    if (op) cublasLtMatmulDescDestroy(op);
  }
};

template <typename T>
void set_op_attribute(cublasLtMatmulDesc_t op, cublasLtMatmulDescAttributes_t which, const T& value) {
  check_cublas(cublasLtMatmulDescSetAttribute(op, which, &value, sizeof value), "cublasLtMatmulDescSetAttribute");
}

GemmResult skipped(std::string reason) {
  GemmResult result;
  result.reason = std::move(reason);
  return result;
}

}  // namespace

const std::vector<GemmDtype>& gemm_dtypes() {
  // All accumulate in FP32 (CUBLAS_COMPUTE_32F). TF32 is the one exception by necessity: FP32 operands reach the
  // tensor cores only through CUBLAS_COMPUTE_32F_FAST_TF32; plain 32F would time the FP32 SIMT path instead.
  // FP8 writes BF16, as FP8 training recipes (Transformer Engine) do; its minimum is Ada/Hopper (8.9).
  static const std::vector<GemmDtype> dtypes = {
      {"bf16", "bf16", "bf16", "32F", CUDA_R_16BF, CUDA_R_16BF, CUBLAS_COMPUTE_32F, FillType::bf16, FillType::bf16, 80},
      {"fp16", "fp16", "fp16", "32F", CUDA_R_16F, CUDA_R_16F, CUBLAS_COMPUTE_32F, FillType::f16, FillType::f16, 70},
      {"tf32", "fp32", "fp32", "32F_FAST_TF32", CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F_FAST_TF32, FillType::f32,
       FillType::f32, 80},
      {"fp8", "e4m3", "bf16", "32F", CUDA_R_8F_E4M3, CUDA_R_16BF, CUBLAS_COMPUTE_32F, FillType::fp8_e4m3,
       FillType::bf16, 89},
  };
  return dtypes;
}

GemmRunner::GemmRunner(cudaStream_t stream, std::size_t workspace_bytes)
    : stream_(stream), workspace_bytes_(workspace_bytes) {
  check_cublas(cublasLtCreate(&handle_), "cublasLtCreate");
  check_cuda(cudaMalloc(&workspace_, workspace_bytes_), "cudaMalloc(workspace)");
  check_cuda(cudaMalloc(&unit_scale_, sizeof(float)), "cudaMalloc(scale)");
  const float one = 1.0f;
  check_cuda(cudaMemcpy(unit_scale_, &one, sizeof one, cudaMemcpyHostToDevice), "cudaMemcpy(scale)");
}

GemmRunner::~GemmRunner() {
  cudaFree(unit_scale_);
  cudaFree(workspace_);
  cublasLtDestroy(handle_);
}

GemmResult GemmRunner::time(const GemmCase& shape, const GemmDtype& dtype, const void* a, const void* b, void* d,
                            const GemmTimingPlan& plan,
                            const std::function<void(const std::function<void()>& enqueue)>& with_best) {
  const auto m = static_cast<std::uint64_t>(shape.m);
  const auto n = static_cast<std::uint64_t>(shape.n);
  const auto k = static_cast<std::uint64_t>(shape.k);

  MatmulDescriptors desc;
  check_cublas(cublasLtMatmulDescCreate(&desc.op, dtype.compute, CUDA_R_32F), "cublasLtMatmulDescCreate");
  set_op_attribute(desc.op, CUBLASLT_MATMUL_DESC_TRANSA, CUBLAS_OP_T);
  set_op_attribute(desc.op, CUBLASLT_MATMUL_DESC_TRANSB, CUBLAS_OP_N);
  if (dtype.ab_cuda == CUDA_R_8F_E4M3) {
    // FP8 matmuls require per-tensor scale factors for A and B; 1.0 keeps the arithmetic of the other types.
    const void* scale = unit_scale_;
    set_op_attribute(desc.op, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, scale);
    set_op_attribute(desc.op, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, scale);
  }
  check_cublas(cublasLtMatrixLayoutCreate(&desc.a, dtype.ab_cuda, k, m, static_cast<std::int64_t>(k)),
               "cublasLtMatrixLayoutCreate(A)");
  check_cublas(cublasLtMatrixLayoutCreate(&desc.b, dtype.ab_cuda, k, n, static_cast<std::int64_t>(k)),
               "cublasLtMatrixLayoutCreate(B)");
  check_cublas(cublasLtMatrixLayoutCreate(&desc.d, dtype.d_cuda, m, n, static_cast<std::int64_t>(m)),
               "cublasLtMatrixLayoutCreate(D)");
  check_cublas(cublasLtMatmulPreferenceCreate(&desc.preference), "cublasLtMatmulPreferenceCreate");
  const std::uint64_t workspace = workspace_bytes_;
  check_cublas(cublasLtMatmulPreferenceSetAttribute(desc.preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                    &workspace, sizeof workspace),
               "cublasLtMatmulPreferenceSetAttribute");

  std::vector<cublasLtMatmulHeuristicResult_t> heuristics(static_cast<std::size_t>(std::max(plan.candidates, 1)));
  int returned = 0;
  const cublasStatus_t found =
      cublasLtMatmulAlgoGetHeuristic(handle_, desc.op, desc.a, desc.b, desc.d, desc.d, desc.preference,
                                     static_cast<int>(heuristics.size()), heuristics.data(), &returned);
  if (found == CUBLAS_STATUS_NOT_SUPPORTED || (found == CUBLAS_STATUS_SUCCESS && returned == 0)) {
    return skipped("cuBLASLt has no algorithm for this shape and type");
  }
  check_cublas(found, "cublasLtMatmulAlgoGetHeuristic");

  const float alpha = 1.0f;
  const float beta = 0.0f;
  const cublasLtMatmulAlgo_t* algo = nullptr;
  auto enqueue = [&] {
    check_cublas(cublasLtMatmul(handle_, desc.op, &alpha, a, desc.a, b, desc.b, &beta, d, desc.d, d, desc.d, algo,
                                workspace_, workspace_bytes_, stream_),
                 "cublasLtMatmul");
  };

  // The heuristic's first pick is not always the fastest on the device at hand; time a few and keep the best. One
  // probe run sizes the samples, so that long GEMMs are not run dozens of times just to choose the sample length.
  algo = &heuristics[0].algo;
  const double probe_s = time_median_s(enqueue, stream_, 1, 1, 1);
  const bool long_gemm = probe_s >= plan.long_gemm_s;
  const int iters = static_cast<int>(std::clamp(std::ceil(plan.min_sample_s / std::max(probe_s, 1e-9)), 1.0, 1000.0));
  const int candidates = long_gemm ? std::min(returned, plan.long_candidates) : returned;
  const int search_repeats = long_gemm ? plan.long_search_repeats : plan.search_repeats;

  GemmResult result;
  const cublasLtMatmulAlgo_t* best = nullptr;
  double best_s = std::numeric_limits<double>::infinity();
  if (candidates == 1) {
    best = &heuristics[0].algo;
    best_s = probe_s;
    result.algos_tried = 1;
  } else {
    for (int i = 0; i < candidates; ++i) {
      if (heuristics[i].state != CUBLAS_STATUS_SUCCESS) continue;
      algo = &heuristics[i].algo;
      const double t = time_median_s(enqueue, stream_, 1, search_repeats, iters);
      ++result.algos_tried;
      if (t < best_s) {
        best_s = t;
        best = algo;
      }
    }
    if (best == nullptr) return skipped("no cuBLASLt algorithm returned by the heuristic is usable");
  }

  algo = best;
  const int repeats = static_cast<int>(
      std::clamp(std::ceil(plan.budget_s / (best_s * iters)), static_cast<double>(std::min(plan.min_repeats,
                                                                                             plan.repeats)),
                 static_cast<double>(plan.repeats)));
  result.iters_per_sample = iters;
  result.repeats = repeats;
  result.time_s = time_median_s(enqueue, stream_, long_gemm ? 1 : plan.warmup, repeats, iters);
  result.ok = true;
  if (with_best) with_best(enqueue);
  return result;
}

}  // namespace capsim::bench
