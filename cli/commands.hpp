#pragma once
/// @file commands.hpp
/// The `capsim` subcommands. Each returns a process exit code; errors propagate as capsim::Error to main().

#include <string>

namespace capsim::cli {

/// Options of `capsim run`.
struct RunOptions {
  std::string scenario;  ///< path; empty = the bundled default scenario
  std::string engine;    ///< empty = the scenario's own
  bool json = false;
  std::string out_dir;   ///< when set, result.json and summary.txt are written there
};

/// Options of `capsim validate`.
struct ValidateOptions {
  std::string dir;    ///< folder of suites; empty = the built-in data folder or $CAPSIM_DATA_DIR/validation
  std::string suite;  ///< empty = every suite
  std::string engine = "analytical";
  bool json = false;
};

int run_command(const RunOptions& options);
int validate_command(const ValidateOptions& options);

/// Folder of the bundled scenarios: $CAPSIM_DATA_DIR if set, else the source tree's scenarios/.
std::string data_dir();

}  // namespace capsim::cli
