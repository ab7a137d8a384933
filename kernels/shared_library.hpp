#pragma once
/// @file shared_library.hpp
/// A shared library opened at run time with dlopen, for the vendor libraries the benchmarks use only when present
/// (cuDNN, NCCL, NVML): the programs then build from headers alone and, where a library is missing, still run and
/// say why instead of failing to start.
///
/// One class does what each of those loaders would otherwise repeat: try an environment variable's file and then a
/// list of names, keep the name that loaded or one message naming every candidate and why it failed, and resolve
/// typed entry points while collecting the names that are missing.

#include <string>
#include <type_traits>
#include <vector>

namespace capsim::bench {

/// One dlopen()ed library, closed on destruction unless asked to stay loaded. Never throws from loading: when no
/// candidate can be opened, loaded() is false and error() says why.
class SharedLibrary {
 public:
  /// Whether destruction unloads the library.
  enum class Unload {
    on_destruction,  ///< dlclose() in the destructor
    never,           ///< keep it until the process exits (for libraries that leave threads or exit handlers behind)
  };

  /// Opens (RTLD_NOW | RTLD_LOCAL) the first loadable of: the file named by `env_var` when it is set and not empty,
  /// then `names` in order (plain names go through the dynamic loader's search path). `label` names the library in
  /// the error message, e.g. "NCCL (libnccl.so.2)".
  SharedLibrary(std::string label, const char* env_var, std::vector<std::string> names,
                Unload unload = Unload::on_destruction);
  ~SharedLibrary();
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  bool loaded() const { return handle_ != nullptr; }
  /// The candidate that opened, as given to dlopen (kept after reject()); empty when none did.
  const std::string& path() const { return path_; }
  /// Why the library is not loaded: each candidate with dlopen's message, or the reason given to reject(); empty
  /// while it is loaded.
  const std::string& error() const { return error_; }
  /// The required entry points resolve() did not find, comma separated; empty when all were found.
  const std::string& missing() const { return missing_; }

  /// Sets `out` to the entry point `name`; when there is none, sets it to null, adds `name` to missing() and returns
  /// false.
  template <typename Fn>
  bool resolve(const char* name, Fn& out) {
    if (resolve_optional(name, out)) return true;
    missing_ += (missing_.empty() ? "" : ", ") + std::string(name);
    return false;
  }

  /// Sets `out` to the entry point `name`, or to null when there is none (missing() is left alone).
  template <typename Fn>
  bool resolve_optional(const char* name, Fn& out) {
    static_assert(std::is_pointer_v<Fn> && std::is_function_v<std::remove_pointer_t<Fn>>,
                  "resolve() sets a function pointer");
    out = reinterpret_cast<Fn>(symbol(name));
    return out != nullptr;
  }

  /// Gives up on a library that opened but cannot be used (e.g. entry points are missing): loaded() turns false and
  /// error() becomes `reason`. It is unloaded now unless constructed with Unload::never.
  void reject(std::string reason);

 private:
  /// dlsym's address of `name`; null when it is missing or nothing is loaded.
  void* symbol(const char* name) const;

  void* handle_ = nullptr;
  Unload unload_;
  std::string path_;
  std::string error_;
  std::string missing_;
};

}  // namespace capsim::bench
