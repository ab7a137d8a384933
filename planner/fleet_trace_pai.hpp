#pragma once
/// @file fleet_trace_pai.hpp
/// The raw Alibaba PAI 2020 tables (alibaba/clusterdata, cluster-trace-gpu-v2020) as a fleet trace. The tables
/// ship without a header (the columns are in separate .header files):
///  - pai_job_table: job_name, inst_id, user, status, start_time, end_time (start_time is the submission);
///  - pai_task_table: job_name, task_name, inst_num, status, start_time, end_time, plan_cpu, plan_mem, plan_gpu,
///    gpu_type (plan_gpu in percent of a GPU, per instance).
/// A job's GPUs are the sum over its tasks of inst_num x plan_gpu / 100, rounded up by the "pai" reader; its run
/// time is from its first task's start to its last task's end; its team is its user. Jobs whose tasks never ran
/// (no start or end time) are skipped and counted in a note.

#include <string>
#include <string_view>
#include <vector>

#include "sim/core/error.hpp"

namespace capsim::planner {

/// Joins the two tables into the PAI simulator-input CSV that parse_fleet_trace reads as format "pai" (header
/// `job_id,user,num_gpu,submit_time,duration,gpu_type`). Problems (a row with the wrong number of cells, a time or
/// count that is not a number) go to `problems` with the table's name, line and column; such rows are skipped.
std::string pai_tables_to_trace(std::string_view jobs, std::string_view tasks, const std::string& jobs_name,
                                const std::string& tasks_name, const std::string& file, const std::string& pointer,
                                std::vector<Diagnostic>& problems, std::vector<std::string>& notes);

}  // namespace capsim::planner
