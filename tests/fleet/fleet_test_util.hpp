#pragma once
// Small fleets built in code for the fleet engine's tests.

#include <string>
#include <vector>

#include "models/hardware/gpu_catalog.hpp"
#include "models/workloads/model_catalog.hpp"
#include "sim/fleet/fleet_engine.hpp"

namespace capsim::fleet::testing {

/// `nodes` H100 nodes of 8 GPUs; failures and checkpoint costs off and no restart time, so that JCTs are exact.
inline FleetSpec small_fleet(int nodes, Policy policy, std::vector<std::string> teams = {"a"}) {
  FleetSpec s;
  s.cluster = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), nodes);
  for (const auto& t : teams) s.teams.push_back(Team{t});
  JobShape ref;
  ref.name = "reference";
  ref.job.model = *workloads::ModelCatalog::builtin().find("llama3-8b");
  ref.job.parallelism.tp = 8;
  ref.job.parallelism.zero = 1;
  ref.job.parallelism.sequence_parallel = true;
  s.shapes.push_back(ref);
  s.policy = policy;
  s.failures = false;
  s.checkpoints = false;
  s.restart_s = 0;
  s.preemption_round_s = 0;
  return s;
}

inline FleetJob job(double submit_s, int gpus, double duration_s, std::uint32_t team = 0, int priority = 0) {
  FleetJob j;
  j.submit_s = submit_s;
  j.gpus = gpus;
  j.duration_s = duration_s;
  j.team = team;
  j.priority = priority;
  return j;
}

/// Runs `s` and returns every job's completion time minus submit time (-1 when it did not finish).
inline std::vector<double> jcts(FleetSpec s) {
  s.record_jobs = true;
  const FleetResult r = run_fleet(s);
  std::vector<double> out;
  for (const auto& j : r.jobs) out.push_back(j.finish_s >= 0 ? j.finish_s - j.submit_s : -1);
  return out;
}

}  // namespace capsim::fleet::testing
