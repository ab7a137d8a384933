#pragma once
/// @file search_summary.hpp
/// The readable summary of `capsim search`: counts, the best configuration per objective and the Pareto front.

#include <string>

#include "planner/search/deadline_sizing.hpp"
#include "planner/search/des_verify.hpp"
#include "planner/search/search_json.hpp"

namespace capsim::cli {

/// Summary text of a finished search.
std::string search_summary(const planner::search::SearchProblem& problem, const planner::search::SearchTally& tally,
                           const planner::search::RunFacts& facts);

/// The deadline table: per GPU type the fewest GPUs that make it, their layout, wall time and cost.
std::string deadline_summary(const planner::search::DeadlineResult& result);

/// The --verify table: each re-run configuration's step on both engines and where they disagree.
std::string verify_summary(const planner::search::SearchProblem& problem,
                           const std::vector<planner::search::VerifiedCandidate>& checked);

}  // namespace capsim::cli
