#pragma once
/// @file search_choice.hpp
/// A configuration picked on a design search's front, written as a scenario file a planner can open, edit and run:
/// the searched file without its `search` block, with the configuration's cluster (GPU type, nodes,
/// oversubscription) and the searched workload's precision and parallelism. No Qt.

#include <string>

#include <nlohmann/json.hpp>

namespace capsim::gui {

/// The scenario text of `configuration` (planner::search::candidate_json) chosen from the search in `search_text`,
/// whose searched workload is at `workload_pointer` ("/workloads/0"). `label` goes into the scenario's name
/// ("405b-search, choice 3"). Keys the search did not decide are kept as written. Throws capsim::InputError when
/// `search_text` is not a JSON object or the pointer names no workload.
std::string chosen_scenario_text(const std::string& search_text, const nlohmann::ordered_json& configuration,
                                 const std::string& workload_pointer, const std::string& label);

}  // namespace capsim::gui
