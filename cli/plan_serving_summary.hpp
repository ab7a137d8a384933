#pragma once
/// @file plan_serving_summary.hpp
/// The readable answer of `capsim plan-serving`: what it assumed (SLO, headroom, what "capacity per replica" means,
/// whole nodes, where prices come from), the best fleet and its long check, the ranked table with its prices, and
/// why the other layouts were left out.

#include <ostream>

#include "planner/serving_plan.hpp"

namespace capsim::cli {

/// Prints `plan` for people.
void print_serving_plan(const planner::ServingPlan& plan, std::ostream& out);

}  // namespace capsim::cli
