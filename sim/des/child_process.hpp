#pragma once
/// @file child_process.hpp
/// Runs a function in a forked child process and brings its text result back over a pipe. SimGrid 3.32 allows one
/// engine per OS process, ever, so every DES run happens in a child: tests, the GUI and sweeps can run many.

#include <functional>
#include <string>

namespace capsim::sim::des {

/// Forks, runs `work` in the child and returns the string it produced. A capsim::InfeasibleError thrown in the child
/// is re-thrown in the parent as one; any other exception as capsim::Error with the same message; a child that dies
/// (signal, abort) becomes a capsim::Error naming the signal. The parent's own state is never touched by the child.
std::string run_in_child_process(const std::function<std::string()>& work);

}  // namespace capsim::sim::des
