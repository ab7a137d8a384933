#include "gui/search_choice.hpp"

#include <vector>

#include "planner/json_reader.hpp"
#include "sim/core/error.hpp"

namespace capsim::gui {

std::string chosen_scenario_text(const std::string& search_text, const nlohmann::ordered_json& configuration,
                                 const std::string& workload_pointer, const std::string& label) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(search_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    throw InputError({Diagnostic{"", "", "the searched file is not a JSON object", ""}});
  }
  const nlohmann::ordered_json::json_pointer at(workload_pointer);
  if (!doc.contains(at) || !doc[at].is_object()) {
    throw InputError({Diagnostic{"", workload_pointer, "the searched workload is not in the file", ""}});
  }
  doc.erase("search");
  doc["name"] = label;
  nlohmann::ordered_json& cluster = doc["cluster"];
  cluster["gpu"] = configuration.at("gpu");
  cluster["nodes"] = configuration.at("nodes");
  cluster["scale_out"]["oversubscription"] = configuration.at("oversubscription");
  nlohmann::ordered_json& job = doc[at];
  job["precision"] = configuration.at("precision");
  for (const auto& [key, value] : configuration.at("parallelism").items()) job["parallelism"][key] = value;
  return doc.dump(2) + "\n";
}

}  // namespace capsim::gui
