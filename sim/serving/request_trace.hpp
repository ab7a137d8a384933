#pragma once
/// @file request_trace.hpp
/// Reads a request trace CSV: one request per row, with its arrival time, prompt tokens and output tokens.
///
/// The first non-comment line names the columns (case-insensitive, any order, extra columns ignored):
///  - arrival: `arrival_s` (seconds) or `timestamp` (seconds, or "YYYY-MM-DD HH:MM:SS[.fraction]" as in the Azure
///    LLM inference traces);
///  - prompt: `input_tokens` or `ContextTokens`;
///  - output: `output_tokens` or `GeneratedTokens`.
/// Lines starting with '#' are comments. Arrivals become seconds after the earliest one, sorted.

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "models/workloads/serving.hpp"
#include "sim/core/error.hpp"

namespace capsim::sim::serving {

/// Requests a trace may hold: the most one serving run simulates (DESIGN.md's bound, planner/serving_scenario).
inline constexpr std::size_t kMaxTraceRequests = 10'000'000;
/// Longest line a trace may have; a longer one (a binary file, a CSV without line ends) is reported and skipped.
inline constexpr std::size_t kMaxTraceLineBytes = 1 << 20;

/// Parses the text of trace `trace_name`. Problems go to `problems` with the scenario `file` and the `pointer` that
/// names the trace there, the trace's line, and what was expected; rows with problems are skipped. An output of 0
/// tokens counts as 1: every request emits at least its first token.
std::vector<workloads::TraceRequest> parse_request_trace(std::string_view text, const std::string& trace_name,
                                                         const std::string& file, const std::string& pointer,
                                                         std::vector<Diagnostic>& problems);

/// As parse_request_trace, reading `in` in 1 MiB pieces: a trace of any size costs the memory of its requests
/// (at most kMaxTraceRequests), not of its text.
std::vector<workloads::TraceRequest> read_request_trace(std::istream& in, const std::string& trace_name,
                                                        const std::string& file, const std::string& pointer,
                                                        std::vector<Diagnostic>& problems);

}  // namespace capsim::sim::serving
