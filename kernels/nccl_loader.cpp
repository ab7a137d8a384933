/// @file nccl_loader.cpp
/// Loads NCCL with dlopen() and resolves the entry points capsim-bench-nccl calls (see nccl_loader.hpp).

#include "kernels/nccl_loader.hpp"

#include "kernels/bench_common.hpp"

namespace capsim::bench {

NcclLibrary::NcclLibrary()
    // Never unloaded: see the class comment.
    : library_("NCCL (libnccl.so.2)", kNcclLibraryVariable, {"libnccl.so.2"}, SharedLibrary::Unload::never) {
  if (!library_.loaded()) return;
  library_.resolve("ncclGetVersion", api_.get_version);
  library_.resolve("ncclCommInitAll", api_.comm_init_all);
  library_.resolve("ncclCommDestroy", api_.comm_destroy);
  library_.resolve("ncclAllReduce", api_.all_reduce);
  library_.resolve("ncclAllGather", api_.all_gather);
  library_.resolve("ncclReduceScatter", api_.reduce_scatter);
  library_.resolve("ncclGroupStart", api_.group_start);
  library_.resolve("ncclGroupEnd", api_.group_end);
  library_.resolve("ncclGetErrorString", api_.get_error_string);
  if (!library_.missing().empty()) {
    library_.reject(library_.path() + " lacks " + library_.missing());
  } else if (int code = 0; api_.get_version(&code) != ncclSuccess) {
    library_.reject(library_.path() + ": ncclGetVersion failed");
  } else {
    version_code_ = code;
  }
  if (!library_.loaded()) api_ = NcclApi{};
}

std::string NcclLibrary::version() const {
  if (!loaded()) return "";
  const int code = version_code_;
  // nccl.h's NCCL_VERSION: major * 1000 + minor * 100 + patch up to 2.8, major * 10000 + minor * 100 + patch after.
  const bool old = code < 10000;
  const int major = old ? code / 1000 : code / 10000;
  const int minor = old ? code / 100 % 10 : code / 100 % 100;
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(code % 100);
}

void NcclLibrary::check(ncclResult_t result, const char* what) const {
  if (result == ncclSuccess) return;
  const char* message = api_.get_error_string != nullptr ? api_.get_error_string(result) : nullptr;
  throw CudaError(std::string(what) + ": NCCL error " + std::to_string(static_cast<int>(result)) +
                  (message != nullptr ? std::string(" (") + message + ")" : ""));
}

}  // namespace capsim::bench
