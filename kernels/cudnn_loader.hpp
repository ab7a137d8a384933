#pragma once
/// @file cudnn_loader.hpp
/// cuDNN loaded at run time with dlopen, so that capsim-bench-attention builds from the headers alone and a node
/// without cuDNN still runs it: the document then says what is missing instead of the loader refusing to start.
///
/// Only the functions the attention benchmark calls are resolved; their types come from cuDNN's own declarations
/// (decltype), so a header/library mismatch shows at compile time, not as a crash.

#include <cudnn_backend.h>

#include <cstddef>
#include <string>

#include "kernels/bench_common.hpp"
#include "kernels/shared_library.hpp"

namespace capsim::bench {

/// The cuDNN entry points this program calls, resolved from the loaded library.
struct CudnnApi {
  decltype(&cudnnGetVersion) get_version = nullptr;
  decltype(&cudnnGetErrorString) get_error_string = nullptr;
  decltype(&cudnnGetLastErrorString) get_last_error_string = nullptr;  ///< optional: null when the library lacks it
  decltype(&cudnnCreate) create = nullptr;
  decltype(&cudnnDestroy) destroy = nullptr;
  decltype(&cudnnSetStream) set_stream = nullptr;
  decltype(&cudnnBackendCreateDescriptor) backend_create_descriptor = nullptr;
  decltype(&cudnnBackendDestroyDescriptor) backend_destroy_descriptor = nullptr;
  decltype(&cudnnBackendSetAttribute) backend_set_attribute = nullptr;
  decltype(&cudnnBackendGetAttribute) backend_get_attribute = nullptr;
  decltype(&cudnnBackendFinalize) backend_finalize = nullptr;
  decltype(&cudnnBackendExecute) backend_execute = nullptr;
};

/// A cuDNN call failed. Maps to exit code 3 when it escapes; the attention runner turns failures while building a
/// graph or plan into a skipped case instead.
class CudnnError : public CudaError {
 public:
  CudnnError(const std::string& message, cudnnStatus_t status) : CudaError(message), status_(status) {}
  cudnnStatus_t status() const { return status_; }

 private:
  cudnnStatus_t status_;
};

/// The cuDNN shared library, opened on construction and closed on destruction. Never throws: when no library can
/// be opened or a function is missing, loaded() is false and error() says why.
class CudnnLibrary {
 public:
  /// Tries, in order: the file named by CAPSIM_CUDNN_LIBRARY, libcudnn.so.9, libcudnn.so (both through the dynamic
  /// loader's search path), then libcudnn.so.9 next to the CUDA runtime this program uses.
  CudnnLibrary();
  CudnnLibrary(const CudnnLibrary&) = delete;
  CudnnLibrary& operator=(const CudnnLibrary&) = delete;

  bool loaded() const { return library_.loaded(); }
  const std::string& error() const { return library_.error(); }  ///< why loading failed (empty when loaded)
  const std::string& path() const { return library_.path(); }    ///< the file that was opened
  const CudnnApi& api() const { return api_; }

 private:
  SharedLibrary library_;
  CudnnApi api_;
};

/// Throws CudnnError naming `what`, the status and cuDNN's last error message unless `status` is success.
void check_cudnn(const CudnnApi& api, cudnnStatus_t status, const char* what);

/// "9.19.0" from the major * 10000 + minor * 100 + patch encoding of cudnnGetVersion (cuDNN 9).
std::string cudnn_version_text(std::size_t version);

}  // namespace capsim::bench
