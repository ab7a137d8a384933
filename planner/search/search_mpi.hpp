#pragma once
/// @file search_mpi.hpp
/// The same search spread over MPI ranks (OpenMPI). MPI starts only when the process was launched by mpirun, so a
/// plain `capsim search` needs no MPI runtime.

#include "planner/search/search_tally.hpp"

namespace capsim::planner::search {

/// MPI for the life of one search: initialized in the constructor when mpirun launched the process, finalized in
/// the destructor. Without mpirun it is one rank of one.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  /// True when the environment says mpirun started this process (OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_RANK).
  static bool launched_by_mpirun();

  bool active() const { return active_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  /// Ranks on this machine (OMPI_COMM_WORLD_LOCAL_SIZE; 1 without mpirun): they share its cores.
  int local_size() const;

  /// Every rank's tally merged on rank 0, in rank order (the merge does not depend on order; the fixed order keeps
  /// it reproducible anyway). Other ranks get `local` back. Collective: every rank must call it.
  SearchTally reduce(const SearchTally& local) const;
  /// reduce(), then the total sent to every rank (so that all ranks take the same decisions from it).
  SearchTally all_reduce(const SearchTally& local) const;
  /// The largest of every rank's `value` on every rank (wall time of the slowest rank).
  double max(double value) const;

 private:
  bool active_ = false;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace capsim::planner::search
