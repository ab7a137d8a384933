#include "kernels/attention_runner.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace capsim::bench {

namespace {

using Dims = std::array<std::int64_t, 4>;

// Tensors the variant pack binds: in device memory, or (the scalars) passed by value from the host. Virtual
// tensors, which the fused engine keeps on chip, are numbered from kFirstVirtualUid.
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
constexpr std::int64_t kFirstVirtualUid = 100;
constexpr std::int64_t kAlignment = 16;  // bytes; what tensor-core engines need (cudnn_frontend's default)

// cuDNN 9 marks the handle attributes deprecated but still honours them, and cudnn_frontend still sets them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
constexpr cudnnBackendAttributeName_t kOperationGraphHandle = CUDNN_ATTR_OPERATIONGRAPH_HANDLE;
constexpr cudnnBackendAttributeName_t kExecutionPlanHandle = CUDNN_ATTR_EXECUTION_PLAN_HANDLE;
#pragma GCC diagnostic pop

constexpr cudnnDataType_t kBf16 = CUDNN_DATA_BFLOAT16;
constexpr cudnnDataType_t kF32 = CUDNN_DATA_FLOAT;

/// Strides of a dense tensor laid out in dimension order (the last dimension contiguous).
Dims packed(const Dims& d) { return {d[1] * d[2] * d[3], d[2] * d[3], d[3], 1}; }

/// Dimensions 2 and 3 exchanged: a transposed view of the same memory.
Dims swap23(Dims d) {
  std::swap(d[2], d[3]);
  return d;
}

// ---------------------------------------------------------------------------------------------------------------
// Backend descriptors

/// One backend descriptor, destroyed with the object. Movable, not copyable.
class Descriptor {
 public:
  Descriptor(const CudnnApi& api, cudnnBackendDescriptorType_t type) : api_(&api) {
    check_cudnn(api, api.backend_create_descriptor(type, &desc_), "cudnnBackendCreateDescriptor");
  }
  ~Descriptor() {
    if (desc_ != nullptr) api_->backend_destroy_descriptor(desc_);
  }
  Descriptor(Descriptor&& other) noexcept : api_(other.api_), desc_(std::exchange(other.desc_, nullptr)) {}
  Descriptor& operator=(Descriptor&&) = delete;
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;

  cudnnBackendDescriptor_t get() const { return desc_; }

  template <typename T>
  void set(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type, const T& value) {
    set_array(name, type, 1, &value);
  }

  template <typename T>
  void set_array(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type, std::int64_t count,
                 const T* values) {
    const cudnnStatus_t status = api_->backend_set_attribute(desc_, name, type, count, values);
    if (status != CUDNN_STATUS_SUCCESS) {
      check_cudnn(*api_, status, ("cudnnBackendSetAttribute(attribute " + std::to_string(name) + ")").c_str());
    }
  }

  void finalize(const char* what) { check_cudnn(*api_, api_->backend_finalize(desc_), what); }

 private:
  const CudnnApi* api_;
  cudnnBackendDescriptor_t desc_ = nullptr;
};

/// A tensor of the graph: its descriptor (owned by the graph) and its shape.
struct Tensor {
  cudnnBackendDescriptor_t desc = nullptr;
  Dims dims{};
  Dims strides{};
};

/// The first engine configuration that built, described for the report.
struct EngineInfo {
  std::int64_t id = -1;
  std::string text;
};

const char* knob_name(cudnnBackendKnobType_t knob) {
  switch (knob) {
    case CUDNN_KNOB_TYPE_STAGES:
      return "STAGES";
    case CUDNN_KNOB_TYPE_KERNEL_CFG:
      return "KERNEL_CFG";
    case CUDNN_KNOB_TYPE_WORKSPACE:
      return "WORKSPACE";
    case CUDNN_KNOB_TYPE_TILE_CGA_M:
      return "TILE_CGA_M";
    case CUDNN_KNOB_TYPE_TILE_CGA_N:
      return "TILE_CGA_N";
    case CUDNN_KNOB_TYPE_STREAM_K:
      return "STREAM_K";
    case CUDNN_KNOB_TYPE_TILE_M:
      return "TILE_M";
    case CUDNN_KNOB_TYPE_TILE_N:
      return "TILE_N";
    case CUDNN_KNOB_TYPE_WARP_SPEC_CFG:
      return "WARP_SPEC_CFG";
    case CUDNN_KNOB_TYPE_SWAP_AB:
      return "SWAP_AB";
    default:
      return nullptr;
  }
}

/// " TILE_M=2 KERNEL_CFG=7": the knob choices of an engine configuration ("" when they cannot be read).
std::string knob_text(const CudnnApi& api, cudnnBackendDescriptor_t config) {
  std::vector<Descriptor> choices;
  std::vector<cudnnBackendDescriptor_t> raw;
  for (int i = 0; i < CUDNN_KNOB_TYPE_COUNTS; ++i)
    raw.push_back(choices.emplace_back(api, CUDNN_BACKEND_KNOB_CHOICE_DESCRIPTOR).get());
  std::int64_t count = 0;
  if (api.backend_get_attribute(config, CUDNN_ATTR_ENGINECFG_KNOB_CHOICES, CUDNN_TYPE_BACKEND_DESCRIPTOR,
                                static_cast<std::int64_t>(raw.size()), &count, raw.data()) != CUDNN_STATUS_SUCCESS) {
    return "";
  }
  std::string text;
  for (std::size_t i = 0; i < std::min(static_cast<std::size_t>(std::max<std::int64_t>(count, 0)), raw.size()); ++i) {
    cudnnBackendKnobType_t type{};
    std::int64_t value = 0;
    std::int64_t n = 0;
    if (api.backend_get_attribute(raw[i], CUDNN_ATTR_KNOB_CHOICE_KNOB_TYPE, CUDNN_TYPE_KNOB_TYPE, 1, &n, &type) !=
            CUDNN_STATUS_SUCCESS ||
        api.backend_get_attribute(raw[i], CUDNN_ATTR_KNOB_CHOICE_KNOB_VALUE, CUDNN_TYPE_INT64, 1, &n, &value) !=
            CUDNN_STATUS_SUCCESS) {
      continue;
    }
    const char* name = knob_name(type);
    text += " " + (name != nullptr ? std::string(name) : "knob" + std::to_string(type)) + "=" + std::to_string(value);
  }
  return text;
}

/// Whether cuDNN compiles the engine's kernel at plan time (NVRTC) rather than shipping it precompiled.
bool runtime_compiled(const CudnnApi& api, cudnnBackendDescriptor_t engine) {
  std::array<cudnnBackendBehaviorNote_t, CUDNN_BEHAVIOR_NOTE_TYPE_COUNT> notes{};
  std::int64_t count = 0;
  if (api.backend_get_attribute(engine, CUDNN_ATTR_ENGINE_BEHAVIOR_NOTE, CUDNN_TYPE_BEHAVIOR_NOTE,
                                static_cast<std::int64_t>(notes.size()), &count,
                                notes.data()) != CUDNN_STATUS_SUCCESS) {
    return false;
  }
  const auto end = notes.begin() + std::clamp<std::int64_t>(count, 0, static_cast<std::int64_t>(notes.size()));
  return std::find(notes.begin(), end, CUDNN_BEHAVIOR_NOTE_RUNTIME_COMPILATION) != end;
}

/// "engine 2: KERNEL_CFG=7 (runtime compiled)" from an engine configuration. Best effort: a query that fails leaves
/// its part out rather than failing the case.
EngineInfo describe_engine(const CudnnApi& api, cudnnBackendDescriptor_t config) {
  EngineInfo info;
  Descriptor engine(api, CUDNN_BACKEND_ENGINE_DESCRIPTOR);
  cudnnBackendDescriptor_t engine_raw = engine.get();
  std::int64_t count = 0;
  if (api.backend_get_attribute(config, CUDNN_ATTR_ENGINECFG_ENGINE, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &count,
                                &engine_raw) != CUDNN_STATUS_SUCCESS ||
      api.backend_get_attribute(engine_raw, CUDNN_ATTR_ENGINE_GLOBAL_INDEX, CUDNN_TYPE_INT64, 1, &count, &info.id) !=
          CUDNN_STATUS_SUCCESS) {
    info.text = "engine ?";
    return info;
  }
  info.text = "engine " + std::to_string(info.id);
  if (const std::string knobs = knob_text(api, config); !knobs.empty()) info.text += ":" + knobs;
  if (runtime_compiled(api, engine_raw)) info.text += " (runtime compiled)";
  return info;
}

/// The engine configurations cuDNN's heuristics (mode A) propose for a finalized operation graph, best first.
std::vector<Descriptor> heuristic_configs(const CudnnApi& api, cudnnBackendDescriptor_t graph) {
  Descriptor heuristics(api, CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR);
  heuristics.set(CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, graph);
  heuristics.set(CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, CUDNN_HEUR_MODE_A);
  heuristics.finalize("engine heuristics");
  std::int64_t available = 0;
  check_cudnn(api,
              api.backend_get_attribute(heuristics.get(), CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR,
                                        0, &available, nullptr),
              "engine heuristics: result count");
  std::vector<Descriptor> configs;
  std::vector<cudnnBackendDescriptor_t> raw;
  for (std::int64_t i = 0; i < available; ++i) {
    raw.push_back(configs.emplace_back(api, CUDNN_BACKEND_ENGINECFG_DESCRIPTOR).get());
  }
  if (available == 0) return configs;
  std::int64_t returned = 0;
  check_cudnn(api,
              api.backend_get_attribute(heuristics.get(), CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR,
                                        available, &returned, raw.data()),
              "engine heuristics: results");
  while (static_cast<std::int64_t>(configs.size()) > std::max<std::int64_t>(returned, 0)) configs.pop_back();
  return configs;
}

// ---------------------------------------------------------------------------------------------------------------
// Operation graph, plan and execution

/// One cuDNN operation graph with its execution plan and variant pack. Owns every descriptor it created. Built
/// with the functions below, then plan(), bind() and execute(). Not movable: the variant pack points into it.
class Graph {
 public:
  explicit Graph(const CudnnApi& api) : api_(api) {}
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  /// A tensor in device memory, bound under `uid`.
  Tensor tensor(std::int64_t uid, const Dims& dims, const Dims& strides, cudnnDataType_t type) {
    memory_uids_.push_back(uid);
    return make_tensor(uid, dims, strides, type, false, false);
  }

  /// An intermediate that never reaches memory; its layout only tells cuDNN the shape.
  Tensor virtual_tensor(const Dims& dims, const Dims& strides, cudnnDataType_t type) {
    return make_tensor(next_virtual_uid_++, dims, strides, type, true, false);
  }

  /// A float scalar passed by value from the host, broadcast over any shape.
  Tensor scalar(std::int64_t uid, float value) {
    scalars_[uid] = value;
    return make_tensor(uid, {1, 1, 1, 1}, {1, 1, 1, 1}, kF32, false, true);
  }

  /// c = a b over the last two dimensions, batched over the first two (broadcasting a's or b's heads).
  void matmul(const Tensor& a, const Tensor& b, const Tensor& c) {
    Descriptor& desc = own(CUDNN_BACKEND_MATMUL_DESCRIPTOR);
    desc.set(CUDNN_ATTR_MATMUL_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, kF32);
    desc.finalize("matmul descriptor");
    Descriptor& op = own(CUDNN_BACKEND_OPERATION_MATMUL_DESCRIPTOR);
    op.set(CUDNN_ATTR_OPERATION_MATMUL_ADESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, a.desc);
    op.set(CUDNN_ATTR_OPERATION_MATMUL_BDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, b.desc);
    op.set(CUDNN_ATTR_OPERATION_MATMUL_CDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, c.desc);
    op.set(CUDNN_ATTR_OPERATION_MATMUL_DESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, desc.get());
    add_operation(op, "matmul operation");
  }

  /// y = mode(x [, b [, t]]); `math` is the compute precision, `axis` the GEN_INDEX dimension.
  void pointwise(cudnnPointwiseMode_t mode, const Tensor& y, const Tensor& x, const Tensor* b = nullptr,
                 const Tensor* t = nullptr, cudnnDataType_t math = kF32, std::optional<std::int64_t> axis = {}) {
    Descriptor& desc = own(CUDNN_BACKEND_POINTWISE_DESCRIPTOR);
    desc.set(CUDNN_ATTR_POINTWISE_MODE, CUDNN_TYPE_POINTWISE_MODE, mode);
    desc.set(CUDNN_ATTR_POINTWISE_MATH_PREC, CUDNN_TYPE_DATA_TYPE, math);
    if (axis) desc.set(CUDNN_ATTR_POINTWISE_AXIS, CUDNN_TYPE_INT64, *axis);
    desc.finalize("pointwise descriptor");
    Descriptor& op = own(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR);
    op.set(CUDNN_ATTR_OPERATION_POINTWISE_PW_DESCRIPTOR, CUDNN_TYPE_BACKEND_DESCRIPTOR, desc.get());
    op.set(CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, x.desc);
    if (b != nullptr) op.set(CUDNN_ATTR_OPERATION_POINTWISE_BDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, b->desc);
    if (t != nullptr) op.set(CUDNN_ATTR_OPERATION_POINTWISE_TDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, t->desc);
    op.set(CUDNN_ATTR_OPERATION_POINTWISE_YDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, y.desc);
    const float one = 1.0f;
    op.set(CUDNN_ATTR_OPERATION_POINTWISE_ALPHA1, CUDNN_TYPE_FLOAT, one);
    op.set(CUDNN_ATTR_OPERATION_POINTWISE_ALPHA2, CUDNN_TYPE_FLOAT, one);
    add_operation(op, "pointwise operation");
  }

  /// mode(x [, b]) into a new virtual tensor shaped like x.
  Tensor compute(cudnnPointwiseMode_t mode, const Tensor& x, const Tensor* b = nullptr, cudnnDataType_t type = kF32) {
    const Tensor y = virtual_tensor(x.dims, x.strides, type);
    pointwise(mode, y, x, b);
    return y;
  }

  /// y = reduce(x) over the dimensions where y has extent 1 (or fewer heads, for grouped-query gradients).
  void reduce(cudnnReduceTensorOp_t mode, const Tensor& x, const Tensor& y) {
    Descriptor& desc = own(CUDNN_BACKEND_REDUCTION_DESCRIPTOR);
    desc.set(CUDNN_ATTR_REDUCTION_OPERATOR, CUDNN_TYPE_REDUCTION_OPERATOR_TYPE, mode);
    desc.set(CUDNN_ATTR_REDUCTION_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, kF32);
    desc.finalize("reduction descriptor");
    Descriptor& op = own(CUDNN_BACKEND_OPERATION_REDUCTION_DESCRIPTOR);
    op.set(CUDNN_ATTR_OPERATION_REDUCTION_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, x.desc);
    op.set(CUDNN_ATTR_OPERATION_REDUCTION_YDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, y.desc);
    op.set(CUDNN_ATTR_OPERATION_REDUCTION_DESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, desc.get());
    add_operation(op, "reduction operation");
  }

  /// Reduction of a b x h x s x n tensor over its last dimension, into a new FP32 b x h x s x 1 virtual tensor.
  Tensor reduce_rows(cudnnReduceTensorOp_t mode, const Tensor& x) {
    const Dims dims = {x.dims[0], x.dims[1], x.dims[2], 1};
    const Tensor y = virtual_tensor(dims, packed(dims), kF32);
    reduce(mode, x, y);
    return y;
  }

  /// y = x viewed with y's dimensions and strides (a transpose, when the strides swap).
  void reshape(const Tensor& x, const Tensor& y) {
    Descriptor& op = own(CUDNN_BACKEND_OPERATION_RESHAPE_DESCRIPTOR);
    op.set(CUDNN_ATTR_OPERATION_RESHAPE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, x.desc);
    op.set(CUDNN_ATTR_OPERATION_RESHAPE_YDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, y.desc);
    add_operation(op, "reshape operation");
  }

  /// Finalizes the operation graph, asks the heuristics (mode A) for engine configurations and keeps the first one
  /// whose execution plan finalizes. Throws CudnnError when the graph is rejected or no configuration builds.
  void plan(cudnnHandle_t handle);

  /// Builds the variant pack: `pointers` must name every in-memory tensor's uid; `workspace` must hold
  /// workspace_bytes().
  void bind(const std::map<std::int64_t, void*>& pointers, void* workspace);

  /// Enqueues the graph on the handle's stream.
  void execute(cudnnHandle_t handle) const {
    check_cudnn(api_, api_.backend_execute(handle, plan_->get(), pack_->get()), "cudnnBackendExecute");
  }

  std::uint64_t workspace_bytes() const { return workspace_bytes_; }
  const EngineInfo& engine() const { return engine_; }

 private:
  Descriptor& own(cudnnBackendDescriptorType_t type) { return owned_.emplace_back(api_, type); }

  void add_operation(Descriptor& op, const char* what) {
    op.finalize(what);
    operations_.push_back(op.get());
  }

  Tensor make_tensor(std::int64_t uid, const Dims& dims, const Dims& strides, cudnnDataType_t type, bool is_virtual,
                     bool by_value) {
    Descriptor& desc = own(CUDNN_BACKEND_TENSOR_DESCRIPTOR);
    desc.set(CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, type);
    desc.set_array(CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, 4, dims.data());
    desc.set_array(CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, 4, strides.data());
    desc.set(CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, uid);
    desc.set(CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, kAlignment);
    desc.set(CUDNN_ATTR_TENSOR_IS_VIRTUAL, CUDNN_TYPE_BOOLEAN, is_virtual);
    if (by_value) desc.set(CUDNN_ATTR_TENSOR_IS_BY_VALUE, CUDNN_TYPE_BOOLEAN, true);
    desc.finalize("tensor descriptor");
    return {desc.get(), dims, strides};
  }

  const CudnnApi& api_;
  std::vector<Descriptor> owned_;  // every tensor and operation descriptor; handles stay valid when it grows
  std::vector<cudnnBackendDescriptor_t> operations_;
  std::vector<std::int64_t> memory_uids_;
  std::map<std::int64_t, float> scalars_;  // by-value tensors; the variant pack points at these nodes
  std::int64_t next_virtual_uid_ = kFirstVirtualUid;
  std::optional<Descriptor> graph_;
  std::optional<Descriptor> config_;
  std::optional<Descriptor> plan_;
  std::optional<Descriptor> pack_;
  std::uint64_t workspace_bytes_ = 0;
  EngineInfo engine_;
};

void Graph::plan(cudnnHandle_t handle) {
  graph_.emplace(api_, CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
  graph_->set(kOperationGraphHandle, CUDNN_TYPE_HANDLE, handle);
  graph_->set_array(CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR,
                    static_cast<std::int64_t>(operations_.size()), operations_.data());
  graph_->finalize("operation graph");

  std::vector<Descriptor> configs = heuristic_configs(api_, graph_->get());
  // The heuristics' order is their preference; the first configuration that builds is the one cudnn_frontend's
  // default policy would run.
  cudnnStatus_t last = CUDNN_STATUS_NOT_SUPPORTED;
  for (Descriptor& config : configs) {
    Descriptor candidate(api_, CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR);
    candidate.set(kExecutionPlanHandle, CUDNN_TYPE_HANDLE, handle);
    candidate.set(CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, CUDNN_TYPE_BACKEND_DESCRIPTOR, config.get());
    last = api_.backend_finalize(candidate.get());
    if (last != CUDNN_STATUS_SUCCESS) continue;
    std::int64_t workspace = 0;
    std::int64_t count = 0;
    check_cudnn(api_,
                api_.backend_get_attribute(candidate.get(), CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE, CUDNN_TYPE_INT64,
                                           1, &count, &workspace),
                "execution plan: workspace size");
    workspace_bytes_ = static_cast<std::uint64_t>(std::max<std::int64_t>(workspace, 0));
    engine_ = describe_engine(api_, config.get());
    plan_.emplace(std::move(candidate));
    config_.emplace(std::move(config));  // the plan was built from it: keep it alive
    return;
  }
  throw CudnnError("cuDNN has no engine for this graph (" + std::to_string(configs.size()) +
                       " heuristic configurations, none finalized; last status " + api_.get_error_string(last) + ")",
                   last);
}

void Graph::bind(const std::map<std::int64_t, void*>& pointers, void* workspace) {
  std::vector<std::int64_t> uids;
  std::vector<void*> data;
  for (const std::int64_t uid : memory_uids_) {
    const auto found = pointers.find(uid);
    if (found == pointers.end()) throw capsim::Error("attention graph: no buffer for tensor " + std::to_string(uid));
    uids.push_back(uid);
    data.push_back(found->second);
  }
  for (auto& [uid, value] : scalars_) {
    uids.push_back(uid);
    data.push_back(&value);
  }
  pack_.emplace(api_, CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR);
  pack_->set_array(CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, static_cast<std::int64_t>(uids.size()),
                   uids.data());
  pack_->set_array(CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, static_cast<std::int64_t>(data.size()),
                   data.data());
  pack_->set(CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, workspace);
  pack_->finalize("variant pack");
}

// ---------------------------------------------------------------------------------------------------------------
// The SDPA graphs, as cudnn_frontend's CompositeSDPANode and CompositeSDPABackwardNode lower them (cuDNN 9)

/// The scalars both graphs pass by value: the attention scale and the value masked scores take.
struct SdpaScalars {
  float attn_scale;
  float mask_value;
};

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

/// O = softmax(mask(scale Q K^T)) V, with the log-sum-exp statistics (max + log sum exp, FP32) as a second output.
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

/// dQ, dK, dV from Q, K, V, O, dO and the forward statistics; P is recomputed as exp(scale Q K^T - stats).
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

using GraphFactory = void (*)(Graph&, const AttentionShape&, const SdpaScalars&);

/// A graph with its execution plan, or why there is none.
struct PlannedGraph {
  std::unique_ptr<Graph> graph;  ///< null when cuDNN rejected the graph or has no engine for it
  std::string reason;            ///< why `graph` is null, prefixed with `what`
  double seconds = 0.0;          ///< time spent building and planning (heuristics, kernel compilation)
};

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

// ---------------------------------------------------------------------------------------------------------------
// Host data: BF16 conversion, random operands, reference

std::uint16_t to_bf16(float value) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  bits += 0x7fffu + ((bits >> 16) & 1u);  // round to nearest even (inputs are finite)
  return static_cast<std::uint16_t>(bits >> 16);
}

float from_bf16(std::uint16_t value) {
  const std::uint32_t bits = static_cast<std::uint32_t>(value) << 16;
  float out = 0.0f;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

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

/// Host attention in double precision, b x h x s x d row-major like the device tensors.
struct Reference {
  std::vector<double> o, stats, dq, dk, dv;
};

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

/// Throws capsim::Error unless every element of `got` is within `rtol` x max|want| of `want` (NaN never is). On an
/// H100 with cuDNN 9.14 the largest errors were 0.3% (O) and 0.5% (gradients) of the largest value; a wrong graph
/// (scale, mask, layout, swapped outputs) is off by more than 50%.
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
