#pragma once
/// @file gemm_shapes.hpp
/// The GEMM shapes the calibration sweep measures: squares, and the per-rank GEMMs of Llama 3 transformer layers
/// under tensor parallelism. Plain C++ (no CUDA), so a later test can check the list without a GPU.

#include <cstdint>
#include <string>
#include <vector>

namespace capsim::bench {

/// C[m x n] = A[m x k] * B[k x n] in row-major terms: m is tokens, n and k come from the weight matrix.
struct GemmCase {
  std::int64_t m = 0;
  std::int64_t n = 0;
  std::int64_t k = 0;
  std::string kind;                 ///< "square" or "transformer"
  std::vector<std::string> labels;  ///< where the shape comes from, e.g. "llama3-70b/tp4/mlp_up"; empty for squares

  /// FLOPs of one multiply-accumulate pass: 2 m n k.
  double flops() const { return 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k); }
};

/// Layer dimensions of a dense decoder-only transformer (the fields of a Hugging Face config).
struct TransformerDims {
  std::string name;
  std::int64_t hidden = 0;
  std::int64_t ffn_hidden = 0;
  std::int64_t heads = 0;
  std::int64_t kv_heads = 0;
  std::int64_t vocab = 0;
  bool gated_mlp = true;  ///< SwiGLU: the up projection computes gate and up in one GEMM (2 x ffn_hidden wide)
};

/// Llama 3 8B, 70B and 405B (Meta's published configs).
const std::vector<TransformerDims>& llama3_models();

/// Square GEMMs, powers of two from 1024 to 16384 (--quick: 1024, 4096, 16384).
std::vector<GemmCase> square_cases(bool quick);

/// Per-rank QKV, attention output, MLP up, MLP down and logits GEMMs of `models` at tensor parallelism 1, 2, 4, 8,
/// for m in {2048, 4096, 8192, 16384} tokens (--quick: 4096). Identical (m, n, k) merge, keeping every label.
std::vector<GemmCase> transformer_cases(const std::vector<TransformerDims>& models, bool quick);

}  // namespace capsim::bench
