/// @file sdpa_graphs.cpp
/// The operations of the SDPA graphs of sdpa_graphs.hpp, one cudnn_frontend composite node each, and their
/// planning. Split out of attention_runner.cpp with the header.

#include "kernels/sdpa_graphs.hpp"

#include <chrono>
#include <cmath>
#include <limits>

namespace capsim::bench::sdpa {

using cudnn::Dims;
using cudnn::Graph;
using cudnn::kBf16;
using cudnn::kF32;
using cudnn::packed;
using cudnn::swap23;
using cudnn::Tensor;

namespace {

// ---------------------------------------------------------------------------------------------------------------
// Scalars, layouts and the pieces both graphs share

SdpaScalars sdpa_scalars(const AttentionShape& shape, std::size_t cudnn_version) {
  // cudnn_frontend passes -inf from cuDNN 9.10 on and the lowest finite float before.
  const float mask =
      cudnn_version >= 91000 ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::lowest();
  return {static_cast<float>(1.0 / std::sqrt(static_cast<double>(shape.head_dim))), mask};
}

Dims q_dims(const AttentionShape& s) { return {s.batch, s.heads, s.seq_len, s.head_dim}; }
Dims kv_dims(const AttentionShape& s) { return {s.batch, s.kv_heads, s.seq_len, s.head_dim}; }
Dims row_dims(const AttentionShape& s) { return {s.batch, s.heads, s.seq_len, 1}; }

/// K (or V) stored b x h_kv x s x d, seen by the graph as its transpose b x h_kv x d x s: the same memory with the
/// last two strides exchanged, as cudnn_frontend maps K to K^T.
Tensor transposed_input(Graph& g, std::int64_t uid, const AttentionShape& s) {
  return g.tensor(uid, swap23(kv_dims(s)), swap23(packed(kv_dims(s))), kBf16);
}

/// scale * Q K^T, FP32, b x h x s x s.
Tensor scaled_scores(Graph& g, const Tensor& q, const Tensor& k_t, const Tensor& scale) {
  const Dims dims = {q.dims[0], q.dims[1], q.dims[2], k_t.dims[3]};
  const Tensor scores = g.virtual_tensor(dims, packed(dims), kF32);
  g.matmul(q, k_t, scores);
  return g.compute(CUDNN_POINTWISE_MUL, scores, &scale);
}

/// Causal (top-left) mask: scores where row >= column, `mask_value` elsewhere.
Tensor causal_mask(Graph& g, const Tensor& scores, const Tensor& mask_value) {
  const Tensor row = g.virtual_tensor(scores.dims, scores.strides, CUDNN_DATA_INT32);
  g.pointwise(CUDNN_POINTWISE_GEN_INDEX, row, scores, nullptr, nullptr, kF32, 2);
  const Tensor col = g.virtual_tensor(scores.dims, scores.strides, CUDNN_DATA_INT32);
  g.pointwise(CUDNN_POINTWISE_GEN_INDEX, col, scores, nullptr, nullptr, kF32, 3);
  const Tensor keep = g.virtual_tensor(scores.dims, scores.strides, CUDNN_DATA_BOOLEAN);
  g.pointwise(CUDNN_POINTWISE_CMP_GE, keep, row, &col, nullptr, CUDNN_DATA_BOOLEAN);
  const Tensor masked = g.virtual_tensor(scores.dims, scores.strides, kF32);
  g.pointwise(CUDNN_POINTWISE_BINARY_SELECT, masked, scores, &mask_value, &keep);
  return masked;
}

/// A b x h x s_q x s_kv tensor viewed as its BF16 transpose b x h x s_kv x s_q, the A operand of a gradient matmul.
Tensor transposed_bf16(Graph& g, const Tensor& x) {
  const Dims dims = swap23(x.dims);
  const Tensor y = g.virtual_tensor(dims, swap23(x.strides), kBf16);
  g.reshape(x, y);
  return y;
}

/// out = a_t rhs, where out has kv_heads heads: with grouped-query attention the per-query-head product is summed
/// over each group (cudnn_frontend's "full head" matmul followed by a reduction).
void kv_gradient(Graph& g, const Tensor& a_t, const Tensor& rhs, const Tensor& out) {
  if (a_t.dims[1] == out.dims[1]) {
    g.matmul(a_t, rhs, out);
    return;
  }
  const Dims dims = {out.dims[0], a_t.dims[1], out.dims[2], out.dims[3]};
  const Tensor full = g.virtual_tensor(dims, packed(dims), kBf16);
  g.matmul(a_t, rhs, full);
  g.reduce(CUDNN_REDUCE_TENSOR_ADD, full, out);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// The graphs

void build_forward(Graph& g, const AttentionShape& s, const SdpaScalars& c) {
  const Tensor q = g.tensor(kQ, q_dims(s), packed(q_dims(s)), kBf16);
  const Tensor k_t = transposed_input(g, kK, s);
  const Tensor v = g.tensor(kV, kv_dims(s), packed(kv_dims(s)), kBf16);
  const Tensor o = g.tensor(kO, q_dims(s), packed(q_dims(s)), kBf16);
  const Tensor stats = g.tensor(kStats, row_dims(s), packed(row_dims(s)), kF32);
  const Tensor scale = g.scalar(kAttnScale, c.attn_scale);
  const Tensor mask_value = g.scalar(kMaskValue, c.mask_value);

  const Tensor masked = causal_mask(g, scaled_scores(g, q, k_t, scale), mask_value);
  const Tensor max = g.reduce_rows(CUDNN_REDUCE_TENSOR_MAX, masked);
  const Tensor exp = g.compute(CUDNN_POINTWISE_EXP, g.compute(CUDNN_POINTWISE_SUB, masked, &max));
  const Tensor sum = g.reduce_rows(CUDNN_REDUCE_TENSOR_ADD, exp);
  const Tensor log_sum = g.compute(CUDNN_POINTWISE_LOG, sum);
  g.pointwise(CUDNN_POINTWISE_ADD, stats, max, &log_sum);
  // The probabilities enter the second matmul in the I/O type, as the backend requires.
  const Tensor probabilities = g.compute(CUDNN_POINTWISE_DIV, exp, &sum, kBf16);
  g.matmul(probabilities, v, o);
}

void build_backward(Graph& g, const AttentionShape& s, const SdpaScalars& c) {
  const Tensor q = g.tensor(kQ, q_dims(s), packed(q_dims(s)), kBf16);
  const Tensor k_t = transposed_input(g, kK, s);
  const Tensor v_t = transposed_input(g, kV, s);
  const Tensor o = g.tensor(kO, q_dims(s), packed(q_dims(s)), kBf16);
  const Tensor d_o = g.tensor(kDO, q_dims(s), packed(q_dims(s)), kBf16);
  const Tensor stats = g.tensor(kStats, row_dims(s), packed(row_dims(s)), kF32);
  const Tensor dq = g.tensor(kDQ, q_dims(s), packed(q_dims(s)), kBf16);
  const Tensor dk = g.tensor(kDK, kv_dims(s), packed(kv_dims(s)), kBf16);
  const Tensor dv = g.tensor(kDV, kv_dims(s), packed(kv_dims(s)), kBf16);
  // In memory but not I/O: the FP32 dQ accumulator and the row sums of dO * O (cudnn_frontend's workspace).
  const Tensor dq_accum = g.tensor(kDQAccum, q_dims(s), packed(q_dims(s)), kF32);
  const Tensor softmax_sum = g.tensor(kSoftmaxSum, row_dims(s), packed(row_dims(s)), kF32);
  const Tensor scale = g.scalar(kAttnScale, c.attn_scale);
  const Tensor mask_value = g.scalar(kMaskValue, c.mask_value);
  const Tensor one = g.scalar(kOne, 1.0f);

  // softmax_sum = rowsum(dO * O); cudnn_frontend gives the virtual product these (immaterial) strides.
  const Tensor d_o_times_o = g.virtual_tensor(
      q_dims(s), {s.heads * s.seq_len * s.head_dim, s.seq_len * s.head_dim, s.heads * s.head_dim, 1}, kF32);
  g.pointwise(CUDNN_POINTWISE_MUL, d_o_times_o, d_o, &o);
  const Tensor row_sum = g.reduce_rows(CUDNN_REDUCE_TENSOR_ADD, d_o_times_o);
  g.pointwise(CUDNN_POINTWISE_MUL, softmax_sum, row_sum, &one);

  const Tensor shifted = g.compute(CUDNN_POINTWISE_SUB, scaled_scores(g, q, k_t, scale), &stats);
  const Tensor p = g.compute(CUDNN_POINTWISE_EXP, causal_mask(g, shifted, mask_value));
  kv_gradient(g, transposed_bf16(g, p), d_o, dv);  // dV = P^T dO

  const Tensor dp = g.virtual_tensor(p.dims, p.strides, kF32);
  g.matmul(d_o, v_t, dp);  // dP = dO V^T
  const Tensor centered = g.compute(CUDNN_POINTWISE_SUB, dp, &softmax_sum);
  const Tensor ds = g.compute(CUDNN_POINTWISE_MUL, g.compute(CUDNN_POINTWISE_MUL, centered, &p), &scale);
  kv_gradient(g, transposed_bf16(g, ds), q, dk);  // dK = dS^T Q

  // dQ = dS K, with K recovered from K^T by a reshape, accumulated in FP32 and converted.
  const Tensor k = g.virtual_tensor(swap23(k_t.dims), swap23(k_t.strides), kF32);
  g.reshape(k_t, k);
  g.matmul(ds, k, dq_accum);
  g.pointwise(CUDNN_POINTWISE_IDENTITY, dq, dq_accum);
}

PlannedGraph plan_graph(const CudnnApi& api, cudnnHandle_t handle, GraphFactory factory, const char* what,
                        const AttentionShape& shape, std::size_t version) {
  PlannedGraph out;
  const auto started = std::chrono::steady_clock::now();
  try {
    out.graph = std::make_unique<Graph>(api);
    factory(*out.graph, shape, sdpa_scalars(shape, version));
    out.graph->plan(handle);
  } catch (const CudnnError& e) {
    out.graph.reset();
    out.reason = std::string(what) + ": " + e.what();
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace capsim::bench::sdpa
