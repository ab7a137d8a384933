#pragma once
/// @file plan_text.hpp
/// The sentences of a plan's report, written once for the HTML page and the PDF (plain text: each writer escapes
/// or draws it).

#include <string>
#include <vector>

#include "planner/tco/plan_result.hpp"

namespace capsim::planner::report {

/// "studies/x.json; 36 months, discount rate 8.0%, USD; planned in 84.0 ms".
std::string plan_meta_line(const tco::PlanResult& plan);

/// "Recommended: Own H100 cluster (512 x H100 ...), $27.7M over 36 months (NPV $27.6M)."; "" without a
/// recommendation.
std::string recommendation_line(const tco::PlanResult& plan);

/// One line per option describing it ("AWS p5 on-demand (cloud): AWS p5.48xlarge (8 x H100), on-demand"), then
/// one per note of an option ("Own H100 cluster: Idle owned GPUs: 12% ..."), options in order.
std::vector<std::string> option_notes(const tco::PlanResult& plan);

/// What break-even means, naming the reference cloud option.
std::string break_even_note(const tco::PlanResult& plan);

/// What the cumulative chart counts (cash less the book value of hardware still held, as tco::plan_study fills
/// OptionResult::cumulative_cost_usd).
std::string cumulative_note();

/// How the monthly stacks count money (cash view, each option on its own scale).
std::string monthly_note();

/// How the tornado was made (the range, what is held).
std::string tornado_note(const tco::PlanResult& plan);

/// "10,000 samples, seed 42."; "" without a Monte Carlo result.
std::string monte_carlo_note(const tco::PlanResult& plan);

/// A shape's title: "pretrain-70b: TP8 PP4 DP16 on 512 x h100-sxm5-80gb".
std::string shape_title(const tco::CapacityShape& shape);

/// A shape's figures in one sentence: step time, tokens/s and goodput (training) or requests/s and output tokens/s
/// per replica (inference), and its IT power.
std::string shape_facts(const tco::CapacityShape& shape);

/// "8 prices, 2 of them estimates (...)."
std::string prices_note(const tco::PlanResult& plan);

}  // namespace capsim::planner::report
