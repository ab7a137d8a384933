#pragma once
/// @file nccl_loader.hpp
/// NCCL, loaded at run time with dlopen(), so that capsim-bench-nccl builds from nccl.h alone and a node without
/// NCCL still runs it: the program then records why it measured nothing instead of failing to start.

#include <nccl.h>

#include <string>

#include "kernels/shared_library.hpp"

namespace capsim::bench {

/// Environment variable naming the NCCL library to try before "libnccl.so.2".
inline constexpr const char* kNcclLibraryVariable = "CAPSIM_NCCL_LIBRARY";

/// The NCCL entry points the benchmark calls, with the prototypes of nccl.h.
struct NcclApi {
  decltype(&ncclGetVersion) get_version = nullptr;
  decltype(&ncclCommInitAll) comm_init_all = nullptr;
  decltype(&ncclCommDestroy) comm_destroy = nullptr;
  decltype(&ncclAllReduce) all_reduce = nullptr;
  decltype(&ncclAllGather) all_gather = nullptr;
  decltype(&ncclReduceScatter) reduce_scatter = nullptr;
  decltype(&ncclGroupStart) group_start = nullptr;
  decltype(&ncclGroupEnd) group_end = nullptr;
  decltype(&ncclGetErrorString) get_error_string = nullptr;
};

/// A loaded NCCL, or the reason there is none. Loading never throws. The library stays loaded until the process
/// exits (NCCL keeps helper threads and exit handlers that an unload would pull out from under them).
class NcclLibrary {
 public:
  /// Opens the first loadable of $CAPSIM_NCCL_LIBRARY (when set and not empty) and "libnccl.so.2", and resolves every
  /// entry point.
  NcclLibrary();

  bool loaded() const { return library_.loaded(); }
  /// Why NCCL is not loaded (each name tried with dlopen's message, or the entry points missing); empty when it is.
  const std::string& error() const { return library_.error(); }
  /// The name that opened, as given to dlopen; empty when none did.
  const std::string& path() const { return library_.path(); }
  /// The entry points; all set when loaded().
  const NcclApi& api() const { return api_; }
  /// ncclGetVersion's code, e.g. 22809 for 2.28.9; 0 when not loaded.
  int version_code() const { return version_code_; }
  /// "2.28.9"; empty when not loaded.
  std::string version() const;

  /// Throws CudaError naming `what` and NCCL's message unless `result` is ncclSuccess.
  void check(ncclResult_t result, const char* what) const;

 private:
  SharedLibrary library_;
  NcclApi api_;
  int version_code_ = 0;
};

/// The NCCL_VERSION_CODE of `major`.`minor`.`patch`, by nccl.h's rule (the encoding changed at 2.9).
constexpr int nccl_version_code(int major, int minor, int patch) {
  return (major <= 2 && minor <= 8) ? major * 1000 + minor * 100 + patch : major * 10000 + minor * 100 + patch;
}

}  // namespace capsim::bench
