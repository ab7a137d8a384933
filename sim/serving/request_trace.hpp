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

#include <string>
#include <string_view>
#include <vector>

#include "models/workloads/serving.hpp"
#include "sim/core/error.hpp"

namespace capsim::sim::serving {

/// Parses the text of trace `trace_name`. Problems go to `problems` with the scenario `file` and the `pointer` that
/// names the trace there, the trace's line, and what was expected; rows with problems are skipped. An output of 0
/// tokens counts as 1: every request emits at least its first token.
std::vector<workloads::TraceRequest> parse_request_trace(std::string_view text, const std::string& trace_name,
                                                         const std::string& file, const std::string& pointer,
                                                         std::vector<Diagnostic>& problems);

}  // namespace capsim::sim::serving
