#pragma once
/// @file sdpa_graphs.hpp
/// The causal BF16 scaled dot-product attention (SDPA) graphs, forward and backward, built from cuDNN backend
/// operations the way cudnn_frontend's CompositeSDPANode and CompositeSDPABackwardNode lower them (cuDNN 9), and
/// their planning. Split out of attention_runner.cpp: this file says what the graphs compute, cudnn_graph.hpp how
/// a graph reaches cuDNN, and the runner which memory they read and how long they take.

#include <cudnn_backend.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "kernels/attention_runner.hpp"
#include "kernels/cudnn_graph.hpp"
#include "kernels/cudnn_loader.hpp"

/// Scaled dot-product attention in capsim-bench-attention, internal to it: the cuDNN graphs (here) and the host
/// reference (attention_reference.hpp).
namespace capsim::bench::sdpa {

// Tensors the variant pack binds: in device memory, or (the scalars) passed by value from the host. Virtual
// tensors, which the fused engine keeps on chip, are numbered from cudnn::kFirstVirtualUid.
enum Uid : std::int64_t {
  kQ = 1,
  kK,
  kV,
  kO,
  kStats,
  kDO,
  kDQ,
  kDK,
  kDV,
  kDQAccum,
  kSoftmaxSum,
  kAttnScale,
  kMaskValue,
  kOne,
};
static_assert(kOne < cudnn::kFirstVirtualUid, "bound tensor uids must stay below the virtual ones");

/// The scalars both graphs pass by value: the attention scale and the value masked scores take.
struct SdpaScalars {
  float attn_scale;
  float mask_value;
};

/// O = softmax(mask(scale Q K^T)) V, with the log-sum-exp statistics (max + log sum exp, FP32) as a second output.
void build_forward(cudnn::Graph& g, const AttentionShape& s, const SdpaScalars& c);

/// dQ, dK, dV from Q, K, V, O, dO and the forward statistics; P is recomputed as exp(scale Q K^T - stats).
void build_backward(cudnn::Graph& g, const AttentionShape& s, const SdpaScalars& c);

using GraphFactory = void (*)(cudnn::Graph&, const AttentionShape&, const SdpaScalars&);

/// A graph with its execution plan, or why there is none.
struct PlannedGraph {
  std::unique_ptr<cudnn::Graph> graph;  ///< null when cuDNN rejected the graph or has no engine for it
  std::string reason;                   ///< why `graph` is null, prefixed with `what`
  double seconds = 0.0;                 ///< time spent building and planning (heuristics, kernel compilation)
};

/// Builds the graph `factory` describes for `shape`, with the scalars cuDNN `version` expects, and plans it on
/// `handle`. A CudnnError while building or planning comes back as `reason` instead of being thrown.
PlannedGraph plan_graph(const CudnnApi& api, cudnnHandle_t handle, GraphFactory factory, const char* what,
                        const AttentionShape& shape, std::size_t version);

}  // namespace capsim::bench::sdpa
