#pragma once
/// @file cudnn_graph.hpp
/// A small C++ layer over the cuDNN v9 backend graph API: RAII descriptors, and a Graph that builds an operation
/// graph from matmul, pointwise, reduction and reshape operations, picks an execution plan with cuDNN's heuristics,
/// binds device memory and executes. It knows nothing about attention; sdpa_graphs.hpp builds the attention graphs
/// with it. Split out of attention_runner.cpp so that the backend plumbing sits apart from what is built with it.
///
/// The functions come from the library loaded at run time (cudnn_loader.hpp), never from a link-time libcudnn.

#include <cudnn_backend.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <deque>
#include <vector>

#include "kernels/cudnn_loader.hpp"

/// Wrappers of cuDNN backend descriptors and operation graphs (internal to capsim-bench-attention).
namespace capsim::bench::cudnn {

/// Dimensions or strides of a 4-d tensor, in elements.
using Dims = std::array<std::int64_t, 4>;

/// Tensors bound in memory or by value take the caller's uids, which must stay below this; virtual tensors, which
/// the fused engine keeps on chip, are numbered from here.
constexpr std::int64_t kFirstVirtualUid = 100;

inline constexpr cudnnDataType_t kBf16 = CUDNN_DATA_BFLOAT16;
inline constexpr cudnnDataType_t kF32 = CUDNN_DATA_FLOAT;

/// Strides of a dense tensor laid out in dimension order (the last dimension contiguous).
Dims packed(const Dims& d);

/// Dimensions 2 and 3 exchanged: a transposed view of the same memory.
Dims swap23(Dims d);

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
  Tensor tensor(std::int64_t uid, const Dims& dims, const Dims& strides, cudnnDataType_t type);

  /// An intermediate that never reaches memory; its layout only tells cuDNN the shape.
  Tensor virtual_tensor(const Dims& dims, const Dims& strides, cudnnDataType_t type);

  /// A float scalar passed by value from the host, broadcast over any shape.
  Tensor scalar(std::int64_t uid, float value);

  /// c = a b over the last two dimensions, batched over the first two (broadcasting a's or b's heads).
  void matmul(const Tensor& a, const Tensor& b, const Tensor& c);

  /// y = mode(x [, b [, t]]); `math` is the compute precision, `axis` the GEN_INDEX dimension.
  void pointwise(cudnnPointwiseMode_t mode, const Tensor& y, const Tensor& x, const Tensor* b = nullptr,
                 const Tensor* t = nullptr, cudnnDataType_t math = kF32, std::optional<std::int64_t> axis = {});

  /// mode(x [, b]) into a new virtual tensor shaped like x.
  Tensor compute(cudnnPointwiseMode_t mode, const Tensor& x, const Tensor* b = nullptr, cudnnDataType_t type = kF32);

  /// y = reduce(x) over the dimensions where y has extent 1 (or fewer heads, for grouped-query gradients).
  void reduce(cudnnReduceTensorOp_t mode, const Tensor& x, const Tensor& y);

  /// Reduction of a b x h x s x n tensor over its last dimension, into a new FP32 b x h x s x 1 virtual tensor.
  Tensor reduce_rows(cudnnReduceTensorOp_t mode, const Tensor& x);

  /// y = x viewed with y's dimensions and strides (a transpose, when the strides swap).
  void reshape(const Tensor& x, const Tensor& y);

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

  void add_operation(Descriptor& op, const char* what);

  Tensor make_tensor(std::int64_t uid, const Dims& dims, const Dims& strides, cudnnDataType_t type, bool is_virtual,
                     bool by_value);

  const CudnnApi& api_;
  // Every tensor and operation descriptor. A deque, because own() hands out references that must survive the next
  // own() (a vector would move its elements when it grows).
  std::deque<Descriptor> owned_;
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

}  // namespace capsim::bench::cudnn
