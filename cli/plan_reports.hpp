#pragma once
/// @file plan_reports.hpp
/// The files `capsim plan --out DIR` writes: result.json, summary.txt, costs.csv, report.html and report.pdf. Each
/// is written to a temporary file and renamed, so a failed run never leaves a half-written report.

#include <string>

#include "planner/tco/plan_result.hpp"

namespace capsim::cli {

/// The readable summary `capsim plan` prints.
std::string plan_summary(const planner::tco::PlanResult& plan);

/// Writes every report of `plan` into `dir` (created if missing).
void write_plan_reports(const planner::tco::PlanResult& plan, const std::string& summary, const std::string& dir);

}  // namespace capsim::cli
