#pragma once
/// @file design_search.hpp
/// Design-space search: every parallel layout of a training workload on every cluster of a SearchProblem, timed by
/// the analytical engine, reduced to counts, bests and a Pareto front of time, cost and energy.
///
/// The enumeration is split into chunks (a cluster, a tp and a pp each); chunks run on a pool of threads and, under
/// MPI, are dealt to ranks by index. Each chunk's tally is merged in chunk order, and a tally's content does not
/// depend on merge order, so one thread, many threads and many ranks give the same answer.

#include <cstdint>
#include <functional>
#include <vector>

#include "planner/search/search_space.hpp"
#include "planner/search/search_tally.hpp"

namespace capsim::planner::search {

/// One unit of work: a cluster, a tensor-parallel and a pipeline degree; the rest of the layout varies inside.
struct Chunk {
  std::uint32_t variant = 0;
  std::int32_t tp = 1;
  std::int32_t pp = 1;
};

/// Every chunk of `problem`, in enumeration order.
std::vector<Chunk> make_chunks(const SearchProblem& problem);

/// Evaluates every configuration of chunk `chunk_id` into `tally`. Allocates nothing per configuration.
void evaluate_chunk(const SearchProblem& problem, const Chunk& chunk, std::uint32_t chunk_id, SearchTally& tally);

/// How to run a search.
struct RunSettings {
  int threads = 0;  ///< 0 = the hardware's concurrency
  int rank = 0;     ///< this process's share: chunks with index % ranks == rank
  int ranks = 1;
  /// Called now and then from the calling thread with the share of this rank's chunks done (0 to 1).
  std::function<void(double)> progress;
};

/// Runs this rank's share of the search and merges it in chunk order.
SearchTally run_search(const SearchProblem& problem, const RunSettings& settings);

/// The training job of `candidate` (the problem's job with its layout and precision).
workloads::TrainingJob candidate_job(const SearchProblem& problem, const Candidate& candidate);

}  // namespace capsim::planner::search
