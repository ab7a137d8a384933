#pragma once
/// @file search_json.hpp
/// The result document of `capsim search` (DESIGN.md: evaluated, feasible, elapsed_s, best, pareto) and the CSV of
/// its Pareto front.

#include <nlohmann/json.hpp>
#include <string>

#include "planner/search/search_space.hpp"
#include "planner/search/search_tally.hpp"

namespace capsim::planner::search {

/// How the search ran (not part of the answer: it differs between runs of the same search).
struct RunFacts {
  double elapsed_s = 0;  ///< wall time of the whole command
  int threads = 1;       ///< per rank
  int ranks = 1;         ///< MPI ranks
};

/// "none", "selective" or "full".
std::string recompute_name(std::uint8_t recompute);

/// One configuration: its cluster, layout and figures.
nlohmann::ordered_json candidate_json(const SearchProblem& problem, const Candidate& c);

/// The whole answer. `tally` must be complete (every rank merged) with its front sorted.
nlohmann::ordered_json search_json(const SearchProblem& problem, const SearchTally& tally, const RunFacts& facts);

/// The Pareto front as CSV, one configuration a row, with a header.
std::string pareto_csv(const SearchProblem& problem, const SearchTally& tally);

}  // namespace capsim::planner::search
