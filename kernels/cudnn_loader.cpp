/// @file cudnn_loader.cpp
/// Loads cuDNN with dlopen() and resolves the entry points capsim-bench-attention calls (see cudnn_loader.hpp).

#include "kernels/cudnn_loader.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <vector>

namespace capsim::bench {

namespace {

constexpr const char* kLibraryEnv = "CAPSIM_CUDNN_LIBRARY";

/// The folder holding the CUDA runtime this process uses, where toolkit installs often put cuDNN as well; empty
/// when it cannot be found.
std::string cuda_runtime_folder() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&cudaGetDeviceCount), &info) == 0 || info.dli_fname == nullptr) return "";
  return std::filesystem::path(info.dli_fname).parent_path().string();
}

/// The files to try after $CAPSIM_CUDNN_LIBRARY, most specific first.
std::vector<std::string> candidate_names() {
  std::vector<std::string> out = {"libcudnn.so.9", "libcudnn.so"};
  if (const std::string folder = cuda_runtime_folder(); !folder.empty()) out.push_back(folder + "/libcudnn.so.9");
  return out;
}

}  // namespace

CudnnLibrary::CudnnLibrary() : library_("cuDNN 9 (libcudnn.so.9)", kLibraryEnv, candidate_names()) {
  if (!library_.loaded()) return;
  library_.resolve("cudnnGetVersion", api_.get_version);
  library_.resolve("cudnnGetErrorString", api_.get_error_string);
  library_.resolve("cudnnCreate", api_.create);
  library_.resolve("cudnnDestroy", api_.destroy);
  library_.resolve("cudnnSetStream", api_.set_stream);
  library_.resolve("cudnnBackendCreateDescriptor", api_.backend_create_descriptor);
  library_.resolve("cudnnBackendDestroyDescriptor", api_.backend_destroy_descriptor);
  library_.resolve("cudnnBackendSetAttribute", api_.backend_set_attribute);
  library_.resolve("cudnnBackendGetAttribute", api_.backend_get_attribute);
  library_.resolve("cudnnBackendFinalize", api_.backend_finalize);
  library_.resolve("cudnnBackendExecute", api_.backend_execute);
  // Optional: only used to make error messages more specific.
  library_.resolve_optional("cudnnGetLastErrorString", api_.get_last_error_string);
  if (!library_.missing().empty()) {
    library_.reject(library_.path() + " lacks " + library_.missing() + " (not cuDNN 9?)");
    api_ = CudnnApi{};
  }
}

void check_cudnn(const CudnnApi& api, cudnnStatus_t status, const char* what) {
  if (status == CUDNN_STATUS_SUCCESS) return;
  std::string message = std::string(what) + ": " + api.get_error_string(status);
  if (api.get_last_error_string != nullptr) {
    char detail[512] = {};
    api.get_last_error_string(detail, sizeof detail);
    if (detail[0] != '\0') message += " (" + std::string(detail) + ")";
  }
  throw CudnnError(message, status);
}

std::string cudnn_version_text(std::size_t version) {
  return std::to_string(version / 10000) + "." + std::to_string(version / 100 % 100) + "." +
         std::to_string(version % 100);
}

}  // namespace capsim::bench
