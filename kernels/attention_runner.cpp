/// @file attention_runner.cpp
/// AttentionRunner: the device buffers of a case, its random BF16 operands, the check of both graphs against the
/// host reference, and the timing. What the graphs compute is in sdpa_graphs.cpp, how they reach cuDNN in
/// cudnn_graph.cpp, and the reference in attention_reference.cpp.

#include "kernels/attention_runner.hpp"

#include "kernels/bf16_host.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "kernels/attention_reference.hpp"
#include "kernels/cudnn_graph.hpp"
#include "kernels/sdpa_graphs.hpp"

namespace capsim::bench {

namespace {

using cudnn::Graph;
using sdpa::build_backward;
using sdpa::build_forward;
using sdpa::expect_close;
using sdpa::plan_graph;
using sdpa::PlannedGraph;
using sdpa::Reference;
using sdpa::reference_attention;
using enum sdpa::Uid;

// ---------------------------------------------------------------------------------------------------------------
// Host data: random operands, results (BF16 conversion: bf16_host.hpp)

// SplitMix64 finalizer (Steele, Lea, Flood 2014), as gemm_fill.cu uses on the device.
std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// `count` BF16 values uniform in [-1, 1), derived from `seed` and the index.
std::vector<std::uint16_t> random_bf16(std::size_t count, std::uint64_t seed) {
  std::vector<std::uint16_t> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    const float u = static_cast<float>(mix64(seed ^ (i * 0x2545f4914f6cdd1dull)) >> 40) * (2.0f / 16777216.0f) - 1.0f;
    out[i] = to_bf16(u);
  }
  return out;
}

/// Fills `count` BF16 elements at `data` with random values: a block generated on the host, then repeated on the
/// device by doubling copies (the timed kernels only need realistic, non-zero data, not a long period).
void fill_random_bf16(void* data, std::size_t count, std::uint64_t seed, cudaStream_t stream) {
  constexpr std::size_t kBlock = std::size_t{1} << 22;
  const std::vector<std::uint16_t> block = random_bf16(std::min(count, kBlock), seed);
  auto* dst = static_cast<std::uint16_t*>(data);
  check_cuda(cudaMemcpy(dst, block.data(), block.size() * sizeof(std::uint16_t), cudaMemcpyHostToDevice),
             "cudaMemcpy(random operand)");
  for (std::size_t filled = block.size(); filled < count;) {
    const std::size_t chunk = std::min(filled, count - filled);
    check_cuda(cudaMemcpyAsync(dst + filled, dst, chunk * sizeof(std::uint16_t), cudaMemcpyDeviceToDevice, stream),
               "cudaMemcpyAsync(random operand)");
    filled += chunk;
  }
  check_cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
}

std::vector<double> to_double(const std::vector<std::uint16_t>& bf16) {
  std::vector<double> out(bf16.size());
  std::transform(bf16.begin(), bf16.end(), out.begin(), [](std::uint16_t v) { return double{from_bf16(v)}; });
  return out;
}

template <typename T>
std::vector<T> download(const void* data, std::size_t count) {
  std::vector<T> out(count);
  check_cuda(cudaMemcpy(out.data(), data, count * sizeof(T), cudaMemcpyDeviceToHost), "cudaMemcpy(result)");
  return out;
}

std::vector<double> bf16_to_double(const void* data, std::size_t count) {
  return to_double(download<std::uint16_t>(data, count));
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Runner

double AttentionShape::forward_flop() const {
  return 4.0 * static_cast<double>(batch) * static_cast<double>(heads) * static_cast<double>(seq_len) *
         static_cast<double>(seq_len) * static_cast<double>(head_dim) / 2.0;
}

double AttentionShape::backward_flop() const { return 2.5 * forward_flop(); }

/// The device memory of the case being timed; only grows.
struct AttentionBuffers {
  DeviceBuffer q, k, v, o, stats, d_o, dq, dk, dv, dq_accum, softmax_sum, workspace;

  /// Makes room for `shape`; false when it does not fit.
  bool reserve(const AttentionShape& s) {
    const auto q_elems = static_cast<std::size_t>(s.batch * s.heads * s.seq_len * s.head_dim);
    const auto kv_elems = static_cast<std::size_t>(s.batch * s.kv_heads * s.seq_len * s.head_dim);
    const auto rows = static_cast<std::size_t>(s.batch * s.heads * s.seq_len);
    const std::vector<std::pair<DeviceBuffer*, std::size_t>> sizes = {
        {&q, 2 * q_elems},   {&k, 2 * kv_elems},       {&v, 2 * kv_elems},      {&o, 2 * q_elems},
        {&stats, 4 * rows},  {&d_o, 2 * q_elems},      {&dq, 2 * q_elems},      {&dk, 2 * kv_elems},
        {&dv, 2 * kv_elems}, {&dq_accum, 4 * q_elems}, {&softmax_sum, 4 * rows}};
    auto grow_all = [&] {
      return std::all_of(sizes.begin(), sizes.end(), [](const auto& e) { return e.first->reserve(e.second); });
    };
    if (grow_all()) return true;
    // Growing one buffer at a time can fail where a fresh start fits.
    for (const auto& entry : sizes) entry.first->release();
    workspace.release();
    return grow_all();
  }

  std::map<std::int64_t, void*> pointers() const {
    return {{kQ, q.data()},
            {kK, k.data()},
            {kV, v.data()},
            {kO, o.data()},
            {kStats, stats.data()},
            {kDO, d_o.data()},
            {kDQ, dq.data()},
            {kDK, dk.data()},
            {kDV, dv.data()},
            {kDQAccum, dq_accum.data()},
            {kSoftmaxSum, softmax_sum.data()}};
  }
};

AttentionRunner::AttentionRunner(const CudnnLibrary& library, cudaStream_t stream)
    : api_(library.api()),
      version_(library.api().get_version()),
      stream_(stream),
      buffers_(std::make_unique<AttentionBuffers>()) {
  check_cudnn(api_, api_.create(&handle_), "cudnnCreate");
  check_cudnn(api_, api_.set_stream(handle_, stream_), "cudnnSetStream");
}

AttentionRunner::~AttentionRunner() {
  if (handle_ != nullptr) api_.destroy(handle_);
}

namespace {

/// Binds both graphs to the buffers, growing the workspace to the larger of their needs.
void bind_graphs(AttentionBuffers& buffers, Graph* forward, Graph* backward) {
  const std::uint64_t needed = std::max(forward != nullptr ? forward->workspace_bytes() : 0,
                                        backward != nullptr ? backward->workspace_bytes() : 0);
  if (!buffers.workspace.reserve(std::max<std::uint64_t>(needed, 1))) {
    throw CudaError("cannot allocate the cuDNN workspace of " + std::to_string(needed) + " bytes");
  }
  for (Graph* graph : {forward, backward}) {
    if (graph != nullptr) graph->bind(buffers.pointers(), buffers.workspace.data());
  }
}

/// Before cuDNN 9.6 the caller had to zero the FP32 dQ accumulator; the backend does it itself since.
void enqueue_backward(const Graph& graph, cudnnHandle_t handle, std::size_t version, const AttentionBuffers& buffers,
                      cudaStream_t stream) {
  if (version < 90600) {
    check_cuda(cudaMemsetAsync(buffers.dq_accum.data(), 0, buffers.dq_accum.capacity(), stream), "cudaMemsetAsync");
  }
  graph.execute(handle);
}

AttentionResult timed(const PlannedGraph& planned, const std::function<void()>& enqueue, cudaStream_t stream,
                      const AttentionTiming& timing) {
  const Graph& graph = *planned.graph;
  AttentionResult result;
  result.plan_s = planned.seconds;
  result.iters_per_sample = iters_for_sample(enqueue, stream, timing.min_sample_s);
  result.time_s = time_median_s(enqueue, stream, timing.warmup, timing.repeats, result.iters_per_sample);
  result.engine_id = graph.engine().id;
  result.engine = graph.engine().text;
  result.workspace_bytes = graph.workspace_bytes();
  result.ok = true;
  return result;
}

AttentionResult skipped(std::string reason) {
  AttentionResult result;
  result.reason = std::move(reason);
  return result;
}

}  // namespace

AttentionCheck AttentionRunner::verify() {
  // Grouped-query (two query heads per KV head, two KV heads, two batches) and plain multi-head attention take
  // different paths through the backward graph; check both.
  for (const AttentionShape& shape : {AttentionShape{2, 4, 2, 256, 128}, AttentionShape{1, 2, 2, 128, 128}}) {
    const AttentionCheck check = verify(shape);
    if (!check.forward.empty() || !check.backward.empty()) return check;
  }
  return {};
}

AttentionCheck AttentionRunner::verify(const AttentionShape& shape) {
  AttentionCheck check;
  const PlannedGraph forward = plan_graph(api_, handle_, build_forward, "forward graph", shape, version_);
  if (!forward.graph) {
    check.forward = check.backward = forward.reason;
    return check;
  }
  const PlannedGraph backward = plan_graph(api_, handle_, build_backward, "backward graph", shape, version_);
  check.backward = backward.reason;
  if (!buffers_->reserve(shape)) throw CudaError("cannot allocate the buffers of the attention check");
  bind_graphs(*buffers_, forward.graph.get(), backward.graph.get());

  const auto q_elems = static_cast<std::size_t>(shape.batch * shape.heads * shape.seq_len * shape.head_dim);
  const auto kv_elems = static_cast<std::size_t>(shape.batch * shape.kv_heads * shape.seq_len * shape.head_dim);
  const std::vector<std::uint16_t> q = random_bf16(q_elems, 11);
  const std::vector<std::uint16_t> k = random_bf16(kv_elems, 12);
  const std::vector<std::uint16_t> v = random_bf16(kv_elems, 13);
  const std::vector<std::uint16_t> d_o = random_bf16(q_elems, 14);
  for (const auto& [buffer, host] :
       {std::pair{&buffers_->q, &q}, {&buffers_->k, &k}, {&buffers_->v, &v}, {&buffers_->d_o, &d_o}}) {
    check_cuda(cudaMemcpy(buffer->data(), host->data(), host->size() * sizeof(std::uint16_t), cudaMemcpyHostToDevice),
               "cudaMemcpy(check operand)");
  }
  forward.graph->execute(handle_);
  if (backward.graph) enqueue_backward(*backward.graph, handle_, version_, *buffers_, stream_);
  check_cuda(cudaStreamSynchronize(stream_), "cudaStreamSynchronize(attention check)");

  const std::vector<double> o = bf16_to_double(buffers_->o.data(), q_elems);
  const Reference ref = reference_attention(shape, to_double(q), to_double(k), to_double(v), to_double(d_o), o);
  const std::vector<float> stats = download<float>(buffers_->stats.data(), q_elems / shape.head_dim);
  expect_close("O", o, ref.o, 0.02);
  expect_close("stats", std::vector<double>(stats.begin(), stats.end()), ref.stats, 1e-3);
  if (backward.graph) {
    expect_close("dQ", bf16_to_double(buffers_->dq.data(), q_elems), ref.dq, 0.03);
    expect_close("dK", bf16_to_double(buffers_->dk.data(), kv_elems), ref.dk, 0.03);
    expect_close("dV", bf16_to_double(buffers_->dv.data(), kv_elems), ref.dv, 0.03);
  }
  return check;
}

AttentionResults AttentionRunner::time(const AttentionShape& shape, const AttentionTiming& timing, bool backward) {
  AttentionResults results;
  if (shape.seq_len % 128 != 0 || shape.heads % shape.kv_heads != 0) {
    results.forward = results.backward = skipped("needs seq_len % 128 == 0 and heads % kv_heads == 0");
    return results;
  }
  const PlannedGraph forward = plan_graph(api_, handle_, build_forward, "forward graph", shape, version_);
  if (!forward.graph) {
    results.forward = results.backward = skipped(forward.reason);
    return results;
  }
  const PlannedGraph bwd =
      backward ? plan_graph(api_, handle_, build_backward, "backward graph", shape, version_) : PlannedGraph{};
  if (!buffers_->reserve(shape)) {
    results.forward = results.backward = skipped("operands do not fit in device memory");
    return results;
  }
  bind_graphs(*buffers_, forward.graph.get(), bwd.graph.get());

  const auto q_elems = static_cast<std::size_t>(shape.batch * shape.heads * shape.seq_len * shape.head_dim);
  const auto kv_elems = static_cast<std::size_t>(shape.batch * shape.kv_heads * shape.seq_len * shape.head_dim);
  fill_random_bf16(buffers_->q.data(), q_elems, 1, stream_);
  fill_random_bf16(buffers_->k.data(), kv_elems, 2, stream_);
  fill_random_bf16(buffers_->v.data(), kv_elems, 3, stream_);
  fill_random_bf16(buffers_->d_o.data(), q_elems, 4, stream_);

  // The forward runs leave O and the statistics that the backward graph reads.
  results.forward = timed(
      forward, [&] { forward.graph->execute(handle_); }, stream_, timing);
  if (!bwd.graph) {
    results.backward = skipped(bwd.reason);
    return results;
  }
  const Graph& backward_graph = *bwd.graph;
  results.backward = timed(
      bwd, [&] { enqueue_backward(backward_graph, handle_, version_, *buffers_, stream_); }, stream_, timing);
  return results;
}

}  // namespace capsim::bench
