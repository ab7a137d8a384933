#include "cli/search_summary.hpp"

#include <fmt/format.h>

#include <sstream>

#include "sim/core/units.hpp"

namespace capsim::cli {

namespace {

using planner::search::Candidate;
using planner::search::SearchProblem;

std::string layout(const SearchProblem& problem, const Candidate& c) {
  const auto& v = problem.variants[c.variant];
  std::string s = fmt::format("{} x{} {} tp{} pp{}", v.cluster.gpu.id, v.gpus, hw::to_string(v.precision), c.tp, c.pp);
  if (c.virtual_stages > 1) s += fmt::format("/v{}", c.virtual_stages);
  if (c.cp > 1) s += fmt::format(" cp{}", c.cp);
  if (c.ep > 1) s += fmt::format(" ep{}", c.ep);
  s += fmt::format(" dp{} mb{}{} rc:{} zero{}", c.dp, c.micro_batch, c.sequence_parallel ? " sp" : "",
                   planner::search::recompute_name(c.recompute), c.zero);
  return s;
}

std::string row(const SearchProblem& problem, const Candidate& c, std::string_view label) {
  return fmt::format("{:<7}{:>12} {:>12} {:>12} {:>10} {:>6}  {}\n", label, units::format_time(c.time_s),
                     units::format_money(c.cost_usd), units::format_energy(c.energy_J),
                     units::format_time(c.step_time_s), units::format_percent(c.mfu), layout(problem, c));
}

}  // namespace

std::string search_summary(const SearchProblem& problem, const planner::search::SearchTally& tally,
                           const planner::search::RunFacts& facts) {
  std::ostringstream out;
  const bool train = problem.job.tokens > 0;
  out << fmt::format("CapSim search: \"{}\" of scenario \"{}\"\n", problem.job.name, problem.scenario_name);
  out << fmt::format(
      "  {} configurations evaluated in {:.2f} s ({}/s, {} thread{} x {} rank{}); {} timed by the "
      "engine, {} feasible\n",
      units::format_integer(static_cast<double>(tally.evaluated)), facts.elapsed_s,
      units::format_count(facts.elapsed_s > 0 ? tally.evaluated / facts.elapsed_s : 0), facts.threads,
      facts.threads == 1 ? "" : "s", facts.ranks, facts.ranks == 1 ? "" : "s",
      units::format_integer(static_cast<double>(tally.estimated)),
      units::format_integer(static_cast<double>(tally.feasible)));
  out << "  infeasible:";
  for (std::size_t i = 0; i < planner::search::kInfeasibleReasons; ++i) {
    out << fmt::format(" {} {}", planner::search::to_string(static_cast<planner::search::Infeasible>(i)),
                       units::format_integer(static_cast<double>(tally.infeasible[i])));
  }
  out << "\n\n";
  if (!tally.has_best) {
    out << "No configuration is feasible.\n";
    return out.str();
  }
  const std::string head = fmt::format("{:<7}{:>12} {:>12} {:>12} {:>10} {:>6}  {}\n", "", train ? "to train" : "step",
                                       "cost", "energy", "step", "MFU", "layout");
  out << "Best per objective:\n" << head;
  for (std::size_t i = 0; i < planner::search::kObjectives; ++i) {
    out << row(problem, tally.best[i], planner::search::to_string(static_cast<planner::search::Objective>(i)));
  }
  out << fmt::format("\nPareto front of time, cost and energy ({} configurations):\n", tally.pareto.size());
  out << head;
  for (const Candidate& c : tally.pareto) out << row(problem, c, "");
  return out.str();
}

std::string deadline_summary(const planner::search::DeadlineResult& result) {
  std::ostringstream out;
  out << fmt::format("\nSizing for a deadline of {} (failures, restarts and checkpoints included):\n",
                     units::format_time(result.deadline_s));
  for (std::size_t i = 0; i < result.picks.size(); ++i) {
    const auto& p = result.picks[i];
    if (!p.found) {
      out << fmt::format("  {:<16} not within {} GPUs: the best takes {}\n", p.gpu, p.largest_gpus,
                         units::format_time(p.largest_time_s));
      continue;
    }
    out << fmt::format("  {:<16} {:>7} GPUs  {:>10} (goodput {})  {:>10}  {}{}\n", p.gpu,
                       result.problem.variants[p.candidate.variant].gpus, units::format_time(p.effective_time_s),
                       units::format_percent(p.goodput), units::format_money(p.cost_usd),
                       layout(result.problem, p.candidate),
                       static_cast<int>(i) == result.cheapest ? "  <- cheapest" : "");
  }
  return out.str();
}

std::string verify_summary(const SearchProblem& problem,
                           const std::vector<planner::search::VerifiedCandidate>& checked) {
  std::ostringstream out;
  out << fmt::format("\nThe fastest of the front on the DES engine (disagreement above {}):\n",
                     units::format_percent(planner::search::kEngineTolerance));
  for (const auto& v : checked) {
    out << fmt::format("  analytical {:>10}  des {:>10}  {:>+7.1f}%{}  {}\n", units::format_time(v.analytical_step_s),
                       units::format_time(v.des_step_s), v.difference * 100, v.disagrees ? "  DISAGREE" : "",
                       layout(problem, v.candidate));
  }
  return out.str();
}

}  // namespace capsim::cli
