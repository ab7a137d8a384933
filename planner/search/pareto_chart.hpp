#pragma once
/// @file pareto_chart.hpp
/// The report's Pareto chart of a search: cost against time to train along the front, the bests marked. Chart data
/// from a pure function (planner/report/chart_model.hpp), drawn as inline SVG in `pareto.html`.

#include <string>

#include "planner/report/chart_model.hpp"
#include "planner/search/search_space.hpp"
#include "planner/search/search_tally.hpp"

namespace capsim::planner::search {

/// The front, sorted by time, as a line chart: x = time (days to train, or seconds per step without tokens),
/// y = cost (USD); markers at the fastest and the cheapest. `tally`'s front must be sorted.
report::LineChart pareto_chart(const SearchProblem& problem, const SearchTally& tally);

/// A self-contained HTML page: the chart and the summary text.
std::string pareto_html(const SearchProblem& problem, const SearchTally& tally, const std::string& summary);

}  // namespace capsim::planner::search
