#pragma once
/// @file fleet_trace.hpp
/// Reads job traces for the fleet engine: CapSim's own CSV, the Helios `cluster_log.csv` and the Alibaba PAI 2020
/// simulator input (`pai_job_duration_estimate_100K.csv`). Every format becomes fleet::FleetJob values.
///
/// The `capsim` format is a CSV with one job per row. The first line that is not blank and not a comment ('#')
/// names the columns: case-insensitive, any order, cells may be "double-quoted" (without quotes inside).
///  - required: `submit_time_s` (seconds, >= 0), `team` (a name; teams are numbered in order of first
///    appearance), `gpus` (a whole number from 1 to 1,000,000);
///  - per row, either `duration_s` (seconds on its GPUs, > 0) or `model` and `tokens` (a preset name such as
///    "llama3-8b" and the tokens to train on, e.g. 300e9 or "300B"), never both;
///  - optional for model rows: `tp`, `pp`, `cp`, `ep` (1 to 1024; gpus must be a multiple of tp x pp x cp),
///    `micro_batch`, `global_batch`;
///  - optional for any row: `priority` (integer, higher runs first), `deadline_s` (absolute, after the submit time),
///    `estimate_s` (the user's duration estimate, > 0), `kind` (training, fine-tuning, evaluation or other; default
///    training for model rows, other for duration rows), `gpu_type` (a catalog name, kept as text), `job_id` and
///    `name` (ignored).
/// Example:
///   submit_time_s,team,gpus,duration_s,model,tokens,tp,pp
///   0,research,64,,llama3-8b,300B,1,1
///   120,product,8,3600,,,,
///
/// `helios` (HeliosData cluster_log.csv): team = vc, gpus = gpu_num, submit_time as "YYYY-MM-DD HH:MM:SS" or
/// seconds, duration in seconds; rows with 0 GPUs or a duration <= 0 are skipped (counted in rows_skipped, said in a
/// note); FAILED, CANCELLED, TIMEOUT and NODE_FAIL jobs are kept. Other columns are ignored.
/// `pai` (Alibaba PAI 2020 `pai_job_duration_estimate_100K.csv`): team = user, gpus = num_gpu rounded up (0.5 -> 1;
/// the fleet engine does not share GPUs), submit_time and duration in seconds, estimate_s = user_dur when > 0,
/// gpu_type kept; 0-GPU and 0-duration rows are skipped. Helios and PAI jobs are of kind `other`.
///
/// Submit times (and deadlines) are shifted so that the earliest job arrives at 0. Lines may end in "\n", "\r\n" or
/// "\r"; a UTF-8 byte-order mark is ignored.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/fleet/fleet_spec.hpp"

namespace capsim::planner {

/// Which trace layout a file has.
enum class TraceFormat { capsim, helios, pai };
/// Every format name as a scenario spells it, in enum order: {"capsim", "helios", "pai"}.
const std::vector<std::string>& trace_format_names();

/// Rows a trace may hold; past this the reader reports a problem and stops.
inline constexpr std::int64_t kMaxTraceRows = 20'000'000;
/// Longest line a trace may have; a longer one (a binary file, a CSV without line ends) is reported and skipped.
inline constexpr std::size_t kMaxLineBytes = 1 << 20;

/// A model-driven job's training shape as a trace row gives it.
struct TraceShape {
  std::string model;  ///< preset name as written (the scenario loader checks it)
  int tp = 1, pp = 1, cp = 1, ep = 1, micro_batch = 1;
  int global_batch = 0;        ///< sequences per step; 0 = not given
  std::size_t first_line = 0;  ///< trace line where this shape first appears, for messages
};

/// The jobs of one trace, ready for FleetSpec.
struct TraceJobs {
  std::vector<fleet::FleetJob> jobs;    ///< sorted by submit_s (stable), shifted so the earliest is 0
  std::vector<std::string> team_names;  ///< FleetJob::team indexes this, in order of first appearance
  /// FleetJob::shape: 0 = a duration row (the reference workload); k >= 1 = shapes[k-1] (deduplicated).
  std::vector<TraceShape> shapes;
  std::vector<std::size_t> lines;      ///< source line of each job (same order as jobs), for later messages
  std::vector<std::string> gpu_types;  ///< GPU type each job asks for (same order as jobs); "" = any
  std::int64_t rows_skipped = 0;       ///< rows a format reader drops on purpose (e.g. Helios 0-GPU jobs)
  std::vector<std::string> notes;      ///< one sentence each: what was skipped or converted and why
};

/// Parses trace text. Problems go to `problems` (file = the scenario file, pointer = where the scenario names the
/// trace), each message starting "<trace_name> line L, column C (<column>): "; rows with problems are skipped; at
/// most 20 problems are listed, then one saying how many more. Never throws on bad text.
TraceJobs parse_fleet_trace(std::string_view text, TraceFormat format, const std::string& trace_name,
                            const std::string& file, const std::string& pointer, std::vector<Diagnostic>& problems);

/// Reads `path` (relative paths are the caller's business) as parse_fleet_trace does, with `path` as trace name,
/// streaming it in 1 MiB pieces: a trace of any size takes the memory of its jobs, not of its text.
TraceJobs read_fleet_trace(const std::string& path, TraceFormat format, const std::string& file,
                           const std::string& pointer, std::vector<Diagnostic>& problems);

}  // namespace capsim::planner
