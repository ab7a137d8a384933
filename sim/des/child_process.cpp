#include "sim/des/child_process.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>

#include "sim/core/error.hpp"

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

}  // namespace

std::string run_in_child_process(const std::function<std::string()>& work) {
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
    // First byte: 'O' for a result, 'I' for an infeasible input, 'E' for any other error. _exit skips the parent's
    // atexit handlers and static destructors, which belong to the parent.
    std::string message;
    try {
      message = "O" + work();
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
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
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
