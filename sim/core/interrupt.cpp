#include "sim/core/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace capsim {

namespace {

constexpr std::size_t kMaxPath = 4096;
char temporary_path[kMaxPath];
std::atomic<bool> temporary_set{false};
std::atomic<pid_t> child{0};

// Only async-signal-safe calls here: unlink, kill, sigaction, raise.
void on_signal(int sig) {
  if (const pid_t pid = child.load(); pid > 0) ::kill(pid, SIGKILL);
  if (temporary_set.load()) ::unlink(temporary_path);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);
}

}  // namespace

void install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

void set_interrupt_temporary_file(const char* path) {
  temporary_set.store(false);
  if (path == nullptr || std::strlen(path) >= kMaxPath) return;
  std::memcpy(temporary_path, path, std::strlen(path) + 1);
  temporary_set.store(true);
}

void set_interrupt_child(pid_t pid) { child.store(pid); }

}  // namespace capsim
