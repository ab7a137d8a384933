/// @file cudnn_graph.cpp
/// The cuDNN backend graph layer of cudnn_graph.hpp: descriptor attributes of each operation, the engine heuristics
/// and the description of the chosen engine, plan finalization and the variant pack. Split out of
/// attention_runner.cpp with the header.

#include "kernels/cudnn_graph.hpp"

#include <algorithm>

namespace capsim::bench::cudnn {

namespace {

constexpr std::int64_t kAlignment = 16;  // bytes; what tensor-core engines need (cudnn_frontend's default)

// cuDNN 9 marks the handle attributes deprecated but still honours them, and cudnn_frontend still sets them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
constexpr cudnnBackendAttributeName_t kOperationGraphHandle = CUDNN_ATTR_OPERATIONGRAPH_HANDLE;
constexpr cudnnBackendAttributeName_t kExecutionPlanHandle = CUDNN_ATTR_EXECUTION_PLAN_HANDLE;
#pragma GCC diagnostic pop

// ---------------------------------------------------------------------------------------------------------------
// Engine heuristics and the description of the chosen engine

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

}  // namespace

Dims packed(const Dims& d) { return {d[1] * d[2] * d[3], d[2] * d[3], d[3], 1}; }

Dims swap23(Dims d) {
  std::swap(d[2], d[3]);
  return d;
}

// ---------------------------------------------------------------------------------------------------------------
// Building the operation graph

Tensor Graph::tensor(std::int64_t uid, const Dims& dims, const Dims& strides, cudnnDataType_t type) {
  memory_uids_.push_back(uid);
  return make_tensor(uid, dims, strides, type, false, false);
}

Tensor Graph::virtual_tensor(const Dims& dims, const Dims& strides, cudnnDataType_t type) {
  return make_tensor(next_virtual_uid_++, dims, strides, type, true, false);
}

Tensor Graph::scalar(std::int64_t uid, float value) {
  scalars_[uid] = value;
  return make_tensor(uid, {1, 1, 1, 1}, {1, 1, 1, 1}, kF32, false, true);
}

void Graph::matmul(const Tensor& a, const Tensor& b, const Tensor& c) {
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

void Graph::pointwise(cudnnPointwiseMode_t mode, const Tensor& y, const Tensor& x, const Tensor* b, const Tensor* t,
                      cudnnDataType_t math, std::optional<std::int64_t> axis) {
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

Tensor Graph::compute(cudnnPointwiseMode_t mode, const Tensor& x, const Tensor* b, cudnnDataType_t type) {
  const Tensor y = virtual_tensor(x.dims, x.strides, type);
  pointwise(mode, y, x, b);
  return y;
}

void Graph::reduce(cudnnReduceTensorOp_t mode, const Tensor& x, const Tensor& y) {
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

Tensor Graph::reduce_rows(cudnnReduceTensorOp_t mode, const Tensor& x) {
  const Dims dims = {x.dims[0], x.dims[1], x.dims[2], 1};
  const Tensor y = virtual_tensor(dims, packed(dims), kF32);
  reduce(mode, x, y);
  return y;
}

void Graph::reshape(const Tensor& x, const Tensor& y) {
  Descriptor& op = own(CUDNN_BACKEND_OPERATION_RESHAPE_DESCRIPTOR);
  op.set(CUDNN_ATTR_OPERATION_RESHAPE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, x.desc);
  op.set(CUDNN_ATTR_OPERATION_RESHAPE_YDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, y.desc);
  add_operation(op, "reshape operation");
}

void Graph::add_operation(Descriptor& op, const char* what) {
  op.finalize(what);
  operations_.push_back(op.get());
}

Tensor Graph::make_tensor(std::int64_t uid, const Dims& dims, const Dims& strides, cudnnDataType_t type,
                          bool is_virtual, bool by_value) {
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

// ---------------------------------------------------------------------------------------------------------------
// Plan and variant pack

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

}  // namespace capsim::bench::cudnn
