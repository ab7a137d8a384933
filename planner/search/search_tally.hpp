#pragma once
/// @file search_tally.hpp
/// What a search keeps of the configurations it evaluates: counts, infeasible counts by reason, the best per
/// objective and the Pareto front of time, cost and energy. Plain data, so that parts from threads and MPI ranks
/// merge into the same answer whatever order they arrive in.

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace capsim::planner::search {

/// Why a configuration cannot run.
enum class Infeasible : std::uint8_t {
  tp_kv_heads,   ///< tp and kv_heads do not divide one another
  cp_seq_len,    ///< seq_len is not a multiple of 2 x cp
  global_batch,  ///< dp x micro_batch does not divide global_batch
  interleave,    ///< the interleaved schedule needs the micro-batch count to be a multiple of pp
  memory,        ///< more memory per GPU than the GPU has
  budget,        ///< costs more than the search's budget
};
inline constexpr std::size_t kInfeasibleReasons = 6;
/// JSON key of a reason ("memory", "global_batch", ...).
std::string_view to_string(Infeasible reason);

/// The objectives, in the order of Candidate::objective().
enum class Objective : std::uint8_t { time, cost, energy };
inline constexpr std::size_t kObjectives = 3;
std::string_view to_string(Objective objective);

/// One evaluated configuration with its figures. Trivially copyable (MPI sends it as bytes).
struct Candidate {
  std::uint64_t index = 0;    ///< position in the enumeration: the deterministic tie-break
  std::uint32_t variant = 0;  ///< SearchProblem::variants index
  std::int32_t tp = 1, pp = 1, cp = 1, dp = 1, ep = 1, micro_batch = 1, virtual_stages = 1;
  std::uint8_t sequence_parallel = 0, recompute = 0, zero = 0, pad = 0;
  double step_time_s = 0;
  double time_s = 0;    ///< to train the workload's tokens (failure-free); one step when it gives none
  double cost_usd = 0;  ///< GPU-time of time_s at the variant's price
  double energy_J = 0;  ///< facility energy of time_s
  double memory_B = 0;  ///< per GPU
  double mfu = 0;

  double objective(std::size_t i) const { return i == 0 ? time_s : i == 1 ? cost_usd : energy_J; }
};

/// True if `a` is no worse than `b` in every objective and better in one.
bool dominates(const Candidate& a, const Candidate& b);

/// Counts and survivors of a set of evaluations.
struct SearchTally {
  std::uint64_t evaluated = 0;  ///< configurations enumerated, feasible or not
  std::uint64_t estimated = 0;  ///< configurations the engine timed (they passed the divisibility and memory checks)
  std::uint64_t feasible = 0;
  std::array<std::uint64_t, kInfeasibleReasons> infeasible{};
  bool has_best = false;
  std::array<Candidate, kObjectives> best{};  ///< lowest objective, then lowest index
  std::vector<Candidate> pareto;              ///< non-dominated so far, in no particular order

  void count_infeasible(Infeasible reason, std::uint64_t n = 1) {
    infeasible[static_cast<std::size_t>(reason)] += n;
    evaluated += n;
  }
  /// Takes a feasible candidate: updates the bests and the front.
  void add(const Candidate& c);
  /// Adds another tally's counts and candidates. The result does not depend on the order of merges.
  void merge(const SearchTally& other);
  /// Sorts the front by time, then index (the printed order).
  void sort_pareto();
};

}  // namespace capsim::planner::search
