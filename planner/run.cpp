#include "planner/run.hpp"

#include <memory>

#include "sim/analytical/analytical_engine.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner {

namespace {

std::unique_ptr<sim::Engine> make_engine(const std::string& name) {
  if (name == "analytical") return std::make_unique<sim::AnalyticalEngine>();
  if (name == "des") {
    throw UsageError("engine \"des\" (SimGrid discrete-event) is not part of this build yet; use --engine analytical");
  }
  throw UsageError("unknown engine \"" + name + "\": expected \"analytical\" or \"des\"");
}

}  // namespace

ScenarioResult run_scenario(const Scenario& scenario, const std::string& engine_override) {
  const std::string engine_name = engine_override.empty() ? scenario.simulation.engine : engine_override;
  const auto engine = make_engine(engine_name);
  ScenarioResult result;
  result.scenario_name = scenario.name;
  result.engine = engine->name();
  for (const auto& workload : scenario.workloads) {
    if (const auto* job = std::get_if<workloads::TrainingJob>(&workload)) {
      result.training.push_back(engine->run_training(scenario.cluster, *job));
    } else {
      const auto& serve = std::get<workloads::InferenceJob>(workload);
      result.warnings.push_back("workload \"" + serve.name +
                                "\" (inference) was checked but not simulated: serving simulation is not in this "
                                "build yet");
    }
  }
  return result;
}

}  // namespace capsim::planner
