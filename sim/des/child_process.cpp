#include "sim/des/child_process.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

#include "sim/core/error.hpp"
#include "sim/core/interrupt.hpp"
#include "sim/core/units.hpp"

namespace capsim::sim::des {

namespace {

bool write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

/// Physical memory of this machine, bytes (0 if unknown).
double physical_memory_B() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0;
}

/// In the child: its address space and CPU time limited to the budget, and killed with its parent.
void limit_child(const ChildBudget& budget) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  const auto bytes = static_cast<rlim_t>(budget.memory_B);
  const rlimit memory{bytes, bytes};
  ::setrlimit(RLIMIT_AS, &memory);
  // SIGXCPU at the soft limit, SIGKILL a few seconds later if it is ignored.
  const auto seconds = static_cast<rlim_t>(budget.cpu_s);
  const rlimit cpu{seconds, seconds + 5};
  ::setrlimit(RLIMIT_CPU, &cpu);
}

std::string over_memory(const ChildBudget& budget) {
  return "the DES run stopped: over its " + units::format_bytes(budget.memory_B) +
         " memory budget (half the machine's memory, at most 8 GiB); simulate fewer nodes or micro-batches, or use "
         "the analytical engine";
}

}  // namespace

ChildBudget default_child_budget() {
  ChildBudget b;
  const double half = physical_memory_B() / 2;
  if (half > 0 && half < b.memory_B) b.memory_B = half;
  return b;
}

std::string run_in_child_process(const std::function<std::string()>& work, const ChildBudget& budget) {
  int fds[2];
  if (::pipe(fds) != 0) throw Error(std::string("cannot create a pipe for the DES child: ") + std::strerror(errno));
  // Unflushed stdio buffers would be written twice, once by each process.
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error(std::string("cannot fork the DES child: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(fds[0]);
    limit_child(budget);
    // First byte: 'O' for a result, 'I' for an infeasible input, 'E' for any other error. _exit skips the parent's
    // atexit handlers and static destructors, which belong to the parent.
    std::string message;
    try {
      message = "O" + work();
    } catch (const std::bad_alloc&) {
      message = "I" + over_memory(budget);
    } catch (const InfeasibleError& e) {
      message = std::string("I") + e.what();
    } catch (const std::exception& e) {
      message = std::string("E") + e.what();
    } catch (...) {
      message = "Eunknown error in the DES child process";
    }
    const bool ok = write_all(fds[1], message);
    ::close(fds[1]);
    ::_exit(ok ? 0 : 1);
  }
  ::close(fds[1]);
  set_interrupt_child(pid);  // Ctrl-C kills it (sim/core/interrupt.hpp)
  std::string received;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    received.append(buffer, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  set_interrupt_child(0);
  const bool near_memory_budget = usage.ru_maxrss * 1024.0 > 0.9 * budget.memory_B;
  // SIGXCPU comes only from RLIMIT_CPU; SIGKILL from its hard limit when SIGXCPU did not end the child.
  const double cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  if (WIFSIGNALED(status) &&
      (WTERMSIG(status) == SIGXCPU || (WTERMSIG(status) == SIGKILL && cpu_s >= budget.cpu_s))) {
    throw InfeasibleError("the DES run stopped: over its " + units::format_time(budget.cpu_s) +
                          " CPU-time budget; simulate fewer nodes or micro-batches, or use the analytical engine");
  }
  if (WIFSIGNALED(status) && near_memory_budget) throw InfeasibleError(over_memory(budget));
  if (WIFSIGNALED(status)) {
    throw Error("the DES child process died with signal " + std::to_string(WTERMSIG(status)) + " (" +
                strsignal(WTERMSIG(status)) + ")");
  }
  if (received.empty()) throw Error("the DES child process exited without a result");
  if (received[0] == 'I') throw InfeasibleError(received.substr(1));
  if (received[0] == 'E') throw Error(received.substr(1));
  return received.substr(1);
}

}  // namespace capsim::sim::des
