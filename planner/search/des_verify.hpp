#pragma once
/// @file des_verify.hpp
/// `capsim search --verify des --top K`: the K fastest configurations of the Pareto front re-run on the DES
/// engine (contention on the real fabric), and where the two engines disagree.

#include <nlohmann/json.hpp>
#include <vector>

#include "planner/search/search_space.hpp"
#include "planner/search/search_tally.hpp"
#include "sim/des/des_engine.hpp"

namespace capsim::planner::search {

/// One configuration timed by both engines.
struct VerifiedCandidate {
  Candidate candidate;
  double analytical_step_s = 0;
  double des_step_s = 0;
  double difference = 0;   ///< des / analytical - 1
  bool disagrees = false;  ///< |difference| above the tolerance
};

/// Engines within this share of one another agree (DESIGN.md: "within a few percent" without contention).
inline constexpr double kEngineTolerance = 0.05;

/// Runs the `top` fastest members of `tally`'s (sorted) front on the DES, one after another.
std::vector<VerifiedCandidate> verify_on_des(const SearchProblem& problem, const SearchTally& tally, int top,
                                             const sim::DesEngineOptions& options);

/// The `verify` block of the result document.
nlohmann::ordered_json verify_json(const SearchProblem& problem, const std::vector<VerifiedCandidate>& checked);

}  // namespace capsim::planner::search
