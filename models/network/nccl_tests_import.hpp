#pragma once
/// @file nccl_tests_import.hpp
/// Reads the output of NVIDIA's nccl-tests (all_reduce_perf, all_gather_perf, reduce_scatter_perf, alltoall_perf,
/// sendrecv_perf): the device list and the table of size, count, type, redop, root, then time (us), algbw and busbw
/// (GB/s) and #wrong, out-of-place and in-place. The result calibrates the collective model.

#include <string>
#include <string_view>
#include <vector>

#include "models/hardware/cluster.hpp"

namespace capsim::net {

/// One of the two measurements of a row.
struct NcclTestsResult {
  bool valid = false;     ///< false when the log printed N/A or nothing
  double time_s = 0;
  double algbw_Bps = 0;
  double busbw_Bps = 0;
};

/// One row of the table.
struct NcclTestsRow {
  double bytes = 0;       ///< "size" column
  long count = 0;         ///< elements
  std::string type;       ///< "float", "half", ...
  std::string redop;      ///< "sum", "none", ... (empty in logs without the column)
  int root = -1;
  NcclTestsResult out_of_place;
  NcclTestsResult in_place;
  int line = 0;           ///< 1-based line in the log
};

/// A parsed log.
struct NcclTestsLog {
  std::string file;
  std::string op;         ///< "all_reduce", "all_gather", "reduce_scatter", "all_to_all", "send_recv"
  int ranks = 0;          ///< GPUs listed under "Using devices"
  int nodes = 0;          ///< distinct hosts among them
  std::string device;     ///< the first GPU's name, e.g. "NVIDIA H100 80GB HBM3"
  std::vector<NcclTestsRow> rows;
  double avg_busbw_Bps = 0;  ///< the log's "Avg bus bandwidth" line, 0 if absent
};

/// Parses nccl-tests output. `op_hint` names the operation when the log does not (its "Collective test starting"
/// line, a *_perf command or the file name usually do). Lines may carry mpirun prefixes such as "[1,0]<stdout>:".
/// Throws capsim::InputError listing every problem, each with the file and line.
NcclTestsLog parse_nccl_tests(std::string_view text, const std::string& file, std::string_view op_hint = {});

/// Reads and parses the file at `path` (see parse_nccl_tests). Throws capsim::InputError when it cannot be read.
NcclTestsLog read_nccl_tests(const std::string& path, std::string_view op_hint = {});

/// The measured curve of a log: per size, the mean of the valid out-of-place and in-place times.
hw::MeasuredCollective measured_curve(const NcclTestsLog& log);

}  // namespace capsim::net
