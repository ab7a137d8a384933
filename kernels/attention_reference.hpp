#pragma once
/// @file attention_reference.hpp
/// Causal attention, forward and backward, computed on the host in double precision, and the comparison that
/// accepts or rejects what cuDNN computed. AttentionRunner::verify uses them so that a graph that silently computes
/// garbage cannot report a speed. Split out of attention_runner.cpp: the reference is plain host arithmetic that
/// calls neither CUDA nor cuDNN.

#include <vector>

#include "kernels/attention_runner.hpp"

namespace capsim::bench::sdpa {

/// Host attention in double precision, b x h x s x d row-major like the device tensors.
struct Reference {
  std::vector<double> o, stats, dq, dk, dv;
};

/// O, the log-sum-exp statistics, dQ, dK and dV of causal attention with scale 1/sqrt(head_dim) for `s`, from the
/// operands as doubles (b x h x s x d row-major, K and V with kv_heads heads). `o_device` is the device's O, which
/// the backward's rowsum(dO * O) uses, as cuDNN's does.
Reference reference_attention(const AttentionShape& s, const std::vector<double>& q, const std::vector<double>& k,
                              const std::vector<double>& v, const std::vector<double>& d_o,
                              const std::vector<double>& o_device);

/// Throws capsim::Error unless every element of `got` is within `rtol` x max|want| of `want` (NaN never is). On an
/// H100 with cuDNN 9.14 the largest errors were 0.3% (O) and 0.5% (gradients) of the largest value; a wrong graph
/// (scale, mask, layout, swapped outputs) is off by more than 50%.
void expect_close(const char* name, const std::vector<double>& got, const std::vector<double>& want, double rtol);

}  // namespace capsim::bench::sdpa
