#pragma once
/// @file deadline_sizing.hpp
/// Sizing for a deadline (`capsim search --deadline 90d`): per GPU type, the fewest GPUs whose best layout trains
/// the workload's tokens in time with failures, restarts and checkpoints included, and the cheapest of those.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "planner/search/design_search.hpp"

namespace capsim::planner::search {

/// The answer for one GPU type.
struct DeadlinePick {
  std::string gpu;
  bool found = false;
  Candidate candidate;          ///< the layout, on the fewest GPUs that make it (index into the result's variants)
  double effective_time_s = 0;  ///< wall time with interruptions and checkpoints (planner's reliability model)
  double goodput = 0;
  double cost_usd = 0;   ///< GPU-time of effective_time_s at the variant's price
  int largest_gpus = 0;  ///< when not found: the largest cluster tried, and its best wall time
  double largest_time_s = 0;
};

/// All GPU types, and the search behind them.
struct DeadlineResult {
  double deadline_s = 0;
  std::vector<DeadlinePick> picks;  ///< one per GPU type, in the order asked
  int cheapest = -1;                ///< index into picks; -1 when no GPU type makes the deadline
  SearchProblem problem;            ///< every cluster tried, so that candidates resolve
  SearchTally tally;                ///< every configuration evaluated on the way
};

/// Merges a tally across MPI ranks so that every rank sees the total (identity in one process).
using AllReduce = std::function<SearchTally(const SearchTally&)>;

/// Tries cluster sizes in whole nodes from small to large (the spec's `cluster_gpus`, else 1, 2, 3, 4, 6, 8, 12 ...
/// nodes up to 131,072 GPUs) and stops per GPU type at the first that makes `spec.deadline_s`. Throws
/// capsim::InputError when the workload gives no tokens.
DeadlineResult size_for_deadline(const Scenario& scenario, const SearchSpec& spec, const RunSettings& settings,
                                 const AllReduce& all_reduce);

/// The `deadline` block of the result document.
nlohmann::ordered_json deadline_json(const DeadlineResult& result);

}  // namespace capsim::planner::search
