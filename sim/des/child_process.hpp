#pragma once
/// @file child_process.hpp
/// Runs a function in a forked child process and brings its text result back over a pipe. SimGrid 3.32 allows one
/// engine per OS process, ever, so every DES run happens in a child: tests, the GUI and sweeps can run many.

#include <functional>
#include <string>

namespace capsim::sim::des {

/// What a DES child may use before it is stopped. Past the memory, allocations fail (RLIMIT_AS); past the CPU time,
/// SIGXCPU ends it (RLIMIT_CPU). Either way the parent reports "the DES run stopped: over its ... budget" as a
/// capsim::InfeasibleError (exit 1). DESIGN.md's largest DES case, a 405B step on 16,384 GPUs, needs 2 GB and 30 s.
struct ChildBudget {
  double memory_B = 8.0 * (1ull << 30);  ///< address space, bytes
  double cpu_s = 15 * 60;                ///< CPU seconds
};

/// 8 GiB or half the machine's physical memory, whichever is less; 15 minutes of CPU.
ChildBudget default_child_budget();

/// Forks, runs `work` in the child within `budget` and returns the string it produced. A capsim::InfeasibleError thrown in the child
/// is re-thrown in the parent as one; any other exception as capsim::Error with the same message; a child that dies
/// (signal, abort) becomes a capsim::Error naming the signal. The parent's own state is never touched by the child.
/// The child dies with its parent (PR_SET_PDEATHSIG) and is killed on Ctrl-C (sim/core/interrupt.hpp).
std::string run_in_child_process(const std::function<std::string()>& work,
                                 const ChildBudget& budget = default_child_budget());

}  // namespace capsim::sim::des
