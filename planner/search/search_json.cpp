#include "planner/search/search_json.hpp"

#include <fmt/format.h>

#include <sstream>

#include "sim/core/units.hpp"

namespace capsim::planner::search {

namespace {

using units::kSecondsPerHour;
constexpr double kJoulesPerMWh = 3.6e9;

}  // namespace

std::string recompute_name(std::uint8_t recompute) {
  return recompute == 0 ? "none" : recompute == 1 ? "selective" : "full";
}

nlohmann::ordered_json candidate_json(const SearchProblem& problem, const Candidate& c) {
  const Variant& v = problem.variants[c.variant];
  nlohmann::ordered_json j;
  j["gpu"] = v.cluster.gpu.id;
  j["gpus"] = v.gpus;
  j["nodes"] = v.cluster.nodes;
  j["oversubscription"] = v.cluster.scale_out.oversubscription;
  j["precision"] = std::string(hw::to_string(v.precision));
  j["parallelism"] = {{"tp", c.tp},
                      {"pp", c.pp},
                      {"cp", c.cp},
                      {"dp", c.dp},
                      {"ep", c.ep},
                      {"micro_batch", c.micro_batch},
                      {"global_batch", problem.job.parallelism.global_batch},
                      {"virtual_stages", c.virtual_stages},
                      {"sequence_parallel", c.sequence_parallel != 0},
                      {"recompute", recompute_name(c.recompute)},
                      {"zero", c.zero}};
  j["step_time_s"] = c.step_time_s;
  j["time_to_train_s"] = problem.job.tokens > 0 ? c.time_s : 0.0;
  j["cost_usd"] = c.cost_usd;
  j["energy_J"] = c.energy_J;
  j["mfu"] = c.mfu;
  j["memory_per_gpu_bytes"] = c.memory_B;
  return j;
}

nlohmann::ordered_json search_json(const SearchProblem& problem, const SearchTally& tally, const RunFacts& facts) {
  nlohmann::ordered_json j;
  j["scenario"] = problem.scenario_name;
  j["workload"] = problem.job.name;
  j["objectives"] = {{"time", problem.job.tokens > 0 ? "time_to_train_s" : "step_time_s"},
                     {"cost", problem.job.tokens > 0 ? "cost_usd (GPU-time to train)" : "cost_usd (one step)"},
                     {"energy", problem.job.tokens > 0 ? "energy_J (facility, to train)" : "energy_J (one step)"}};
  j["evaluated"] = tally.evaluated;
  j["estimated"] = tally.estimated;
  j["feasible"] = tally.feasible;
  j["elapsed_s"] = facts.elapsed_s;
  j["threads"] = facts.threads;
  j["ranks"] = facts.ranks;
  nlohmann::ordered_json reasons = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < kInfeasibleReasons; ++i) {
    reasons[std::string(to_string(static_cast<Infeasible>(i)))] = tally.infeasible[i];
  }
  j["infeasible"] = reasons;
  nlohmann::ordered_json prices = nlohmann::ordered_json::array();
  for (const Variant& v : problem.variants) {
    const std::string gpu = v.cluster.gpu.id;
    bool seen = false;
    for (const auto& p : prices) seen = seen || p["gpu"] == gpu;
    if (!seen) {
      prices.push_back(
          {{"gpu", gpu}, {"usd_per_gpu_hour", v.price_usd_per_gpu_s * kSecondsPerHour}, {"source", v.price_source}});
    }
  }
  j["prices"] = prices;
  nlohmann::ordered_json best = nlohmann::ordered_json::object();
  if (tally.has_best) {
    for (std::size_t i = 0; i < kObjectives; ++i) {
      best[std::string(to_string(static_cast<Objective>(i)))] = candidate_json(problem, tally.best[i]);
    }
  }
  j["best"] = best;
  nlohmann::ordered_json front = nlohmann::ordered_json::array();
  for (const Candidate& c : tally.pareto) front.push_back(candidate_json(problem, c));
  j["pareto"] = front;
  return j;
}

std::string pareto_csv(const SearchProblem& problem, const SearchTally& tally) {
  std::ostringstream out;
  out << "gpu,gpus,oversubscription,precision,tp,pp,cp,dp,ep,micro_batch,virtual_stages,sequence_parallel,"
         "recompute,zero,step_time_s,time_to_train_s,cost_usd,energy_MWh,mfu,memory_per_gpu_GiB\n";
  for (const Candidate& c : tally.pareto) {
    const Variant& v = problem.variants[c.variant];
    out << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{:.6g},{:.6g},{:.2f},{:.6g},{:.4f},{:.3f}\n",
                       v.cluster.gpu.id, v.gpus, v.cluster.scale_out.oversubscription, hw::to_string(v.precision), c.tp,
                       c.pp, c.cp, c.dp, c.ep, c.micro_batch, c.virtual_stages, c.sequence_parallel ? 1 : 0,
                       recompute_name(c.recompute), c.zero, c.step_time_s, problem.job.tokens > 0 ? c.time_s : 0.0,
                       c.cost_usd, c.energy_J / kJoulesPerMWh, c.mfu, c.memory_B / (1024.0 * 1024 * 1024));
  }
  return out.str();
}

}  // namespace capsim::planner::search
