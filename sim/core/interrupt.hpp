#pragma once
/// @file interrupt.hpp
/// Ctrl-C (SIGINT) and SIGTERM that stop a command promptly and leave nothing behind: the signal handler removes
/// the output file being written (its temporary name; finished outputs are whole, they were renamed into place),
/// kills the DES child process, and ends the process as the signal would (exit status 128 + signal).
///
/// Library code registers what the handler must clean up; only the CLI installs the handler. Registration is
/// async-signal-safe: one temporary file and one child at a time, kept in fixed storage.

#include <sys/types.h>

namespace capsim {

/// Installs the handler for SIGINT and SIGTERM (idempotent).
void install_interrupt_handler();

/// Names the temporary file being written (nullptr: none). The handler unlinks it. Longer paths than 4 KiB are not
/// tracked.
void set_interrupt_temporary_file(const char* path);

/// Names the running child process (0: none). The handler kills it with SIGKILL.
void set_interrupt_child(pid_t pid);

}  // namespace capsim
