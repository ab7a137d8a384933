#pragma once
/// @file error.hpp
/// The one exception family of CapSim. Library code throws; only `main()` turns errors into exit codes.

#include <stdexcept>
#include <string>
#include <vector>

namespace capsim {

/// One problem found in an input file: where it is and what was expected.
struct Diagnostic {
  std::string file;     ///< path of the file as the user named it (may be empty for built-in data)
  std::string pointer;  ///< RFC 6901 JSON pointer, e.g. "/workloads/0/parallelism/tp"; "" for the whole document
  std::string message;  ///< what is wrong and what was expected
  std::string hint;     ///< what to change; may be empty

  /// "file: /pointer: message (hint)" on one line; "file: message (hint)" for the whole document.
  std::string to_string() const;
};

/// Root of every exception CapSim throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The input (scenario, catalog, profile) is malformed or inconsistent. Carries every problem found, not just the
/// first. Maps to exit code 1.
class InputError : public Error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// The input is well formed but asks for something that cannot be built or run (a cluster too small, a model that
/// does not fit). Maps to exit code 1.
class InfeasibleError : public Error {
 public:
  using Error::Error;
};

/// The command line is wrong. Maps to exit code 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

/// Process exit codes, as DESIGN.md fixes them.
enum class ExitCode : int { success = 0, invalid_input = 1, bad_command_line = 2, internal_error = 3 };

}  // namespace capsim
