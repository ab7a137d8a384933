#include "sim/core/error.hpp"

namespace capsim {

std::string Diagnostic::to_string() const {
  std::string out = file.empty() ? std::string("<input>") : file;
  out += ": ";
  if (!pointer.empty()) out += pointer + ": ";  // "" is the whole document: the file name says it
  out += message;
  if (!hint.empty()) {
    out += " (";
    out += hint;
    out += ")";
  }
  return out;
}

namespace {
std::string summarize(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.to_string();
  }
  return out.empty() ? std::string("invalid input") : out;
}
}  // namespace

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : Error(summarize(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace capsim
