#include "planner/run.hpp"

#include <memory>

#include "planner/storage_reliability.hpp"
#include "sim/analytical/analytical_engine.hpp"
#include "sim/core/error.hpp"
#include "sim/des/des_engine.hpp"
#include "sim/serving/serving_simulation.hpp"

namespace capsim::planner {

namespace {

std::unique_ptr<sim::Engine> make_engine(const std::string& name, const sim::DesEngineOptions& options) {
  if (name == "analytical") return std::make_unique<sim::AnalyticalEngine>();
  if (name == "des") return std::make_unique<sim::DesEngine>(options);
  throw UsageError("unknown engine \"" + name + "\": expected \"analytical\" or \"des\"");
}

}  // namespace

ScenarioResult run_scenario(const Scenario& scenario, const std::string& engine_override) {
  const std::string engine_name = engine_override.empty() ? scenario.simulation.engine : engine_override;
  const auto engine = make_engine(engine_name, scenario.simulation.des);
  ScenarioResult result;
  result.scenario_name = scenario.name;
  result.engine = engine->name();
  result.fabric = fabric_inventory(scenario.cluster);
  // Training jobs run together: on the DES they share the fabric and interfere.
  std::vector<workloads::TrainingJob> jobs;
  for (const auto& workload : scenario.workloads) {
    if (const auto* job = std::get_if<workloads::TrainingJob>(&workload)) jobs.push_back(*job);
  }
  if (!jobs.empty()) result.training = engine->run_trainings(scenario.cluster, jobs);
  for (std::size_t i = 0; i < result.training.size() && i < jobs.size(); ++i) {
    add_storage_and_reliability(scenario, jobs[i], result.training[i]);
  }
  for (const auto& workload : scenario.workloads) {
    if (std::holds_alternative<workloads::InferenceJob>(workload)) {
      // Serving always runs the request-level event loop (sim/serving), whichever engine times training.
      const auto& serve = std::get<workloads::InferenceJob>(workload);
      result.inference.push_back(sim::serving::simulate_serving(scenario.cluster, serve, scenario.simulation.seed));
    }
  }
  return result;
}

}  // namespace capsim::planner
