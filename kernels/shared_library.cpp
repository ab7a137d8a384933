/// @file shared_library.cpp
/// Opens a library from its candidates with dlopen() and looks entry points up with dlsym() (see shared_library.hpp).

#include "kernels/shared_library.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <utility>

namespace capsim::bench {

namespace {

/// "candidate: why" from dlopen's message, which usually starts with the candidate already.
std::string failure(const std::string& candidate, const char* message) {
  if (message == nullptr) return candidate + ": dlopen failed";
  const std::string text(message);
  return text.starts_with(candidate + ": ") ? text : candidate + ": " + text;
}

}  // namespace

SharedLibrary::SharedLibrary(std::string label, const char* env_var, std::vector<std::string> names, Unload unload)
    : unload_(unload) {
  if (const char* chosen = std::getenv(env_var); chosen != nullptr && *chosen != '\0') {
    names.insert(names.begin(), chosen);
  }
  std::string tried;
  for (const std::string& candidate : names) {
    handle_ = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle_ != nullptr) {
      path_ = candidate;
      return;
    }
    tried += (tried.empty() ? "" : "; ") + failure(candidate, dlerror());
  }
  error_ = std::move(label) + " could not be loaded (set " + env_var + " to its full path): " + tried;
}

SharedLibrary::~SharedLibrary() {
  if (handle_ != nullptr && unload_ == Unload::on_destruction) dlclose(handle_);
}

void SharedLibrary::reject(std::string reason) {
  if (handle_ != nullptr && unload_ == Unload::on_destruction) dlclose(handle_);
  handle_ = nullptr;
  error_ = std::move(reason);
}

void* SharedLibrary::symbol(const char* name) const { return handle_ != nullptr ? dlsym(handle_, name) : nullptr; }

}  // namespace capsim::bench
