/// @file attention_reference.cpp
/// The double-precision host attention of attention_reference.hpp, one (batch, head) pair at a time, and the
/// element-wise comparison. Split out of attention_runner.cpp with the header.

#include "kernels/attention_reference.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "sim/core/error.hpp"

namespace capsim::bench::sdpa {

namespace {

/// Reference forward and backward of one (batch, head) pair; `o_device` is the device's O, which the backward's
/// rowsum(dO * O) uses, as cuDNN's does.
void reference_head(const AttentionShape& s, std::int64_t b, std::int64_t h, const std::vector<double>& q,
                    const std::vector<double>& k, const std::vector<double>& v, const std::vector<double>& d_o,
                    const std::vector<double>& o_device, Reference& ref) {
  const std::int64_t n = s.seq_len;
  const std::int64_t d = s.head_dim;
  const std::int64_t kv_h = h / (s.heads / s.kv_heads);
  const std::size_t qo = static_cast<std::size_t>(((b * s.heads + h) * n) * d);
  const std::size_t kvo = static_cast<std::size_t>(((b * s.kv_heads + kv_h) * n) * d);
  const std::size_t row0 = static_cast<std::size_t>((b * s.heads + h) * n);
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  auto dot = [d](const double* x, const double* y) {
    double acc = 0.0;
    for (std::int64_t t = 0; t < d; ++t) acc += x[t] * y[t];
    return acc;
  };
  std::vector<double> p(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const double* qi = &q[qo + i * d];
    double max = -std::numeric_limits<double>::infinity();
    for (std::int64_t j = 0; j <= i; ++j) max = std::max(max, p[j] = scale * dot(qi, &k[kvo + j * d]));
    double sum = 0.0;
    for (std::int64_t j = 0; j <= i; ++j) sum += std::exp(p[j] - max);
    const double lse = max + std::log(sum);
    ref.stats[row0 + i] = lse;
    const double* doi = &d_o[qo + i * d];
    const double delta = dot(doi, &o_device[qo + i * d]);
    for (std::int64_t j = 0; j <= i; ++j) {
      const double pij = std::exp(p[j] - lse);
      const double ds = pij * (dot(doi, &v[kvo + j * d]) - delta) * scale;
      for (std::int64_t t = 0; t < d; ++t) {
        ref.o[qo + i * d + t] += pij * v[kvo + j * d + t];
        ref.dq[qo + i * d + t] += ds * k[kvo + j * d + t];
        ref.dk[kvo + j * d + t] += ds * qi[t];
        ref.dv[kvo + j * d + t] += pij * doi[t];
      }
    }
  }
}

}  // namespace

Reference reference_attention(const AttentionShape& s, const std::vector<double>& q, const std::vector<double>& k,
                              const std::vector<double>& v, const std::vector<double>& d_o,
                              const std::vector<double>& o_device) {
  Reference ref{std::vector<double>(q.size()), std::vector<double>(q.size() / s.head_dim),
                std::vector<double>(q.size()), std::vector<double>(k.size()), std::vector<double>(k.size())};
  for (std::int64_t b = 0; b < s.batch; ++b) {
    for (std::int64_t h = 0; h < s.heads; ++h) reference_head(s, b, h, q, k, v, d_o, o_device, ref);
  }
  return ref;
}

void expect_close(const char* name, const std::vector<double>& got, const std::vector<double>& want, double rtol) {
  double max_ref = 0.0;
  for (const double w : want) max_ref = std::max(max_ref, std::abs(w));
  const double tolerance = rtol * max_ref + 1e-6;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double error = std::abs(got[i] - want[i]);
    if (!(error <= tolerance)) {
      throw capsim::Error("cuDNN attention check failed: " + std::string(name) + "[" + std::to_string(i) +
                          "] = " + std::to_string(got[i]) + ", host reference " + std::to_string(want[i]) +
                          " (tolerance " + std::to_string(tolerance) + "); the graph does not compute attention");
    }
  }
}

}  // namespace capsim::bench::sdpa
