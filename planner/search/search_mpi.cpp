#include "planner/search/search_mpi.hpp"

#include <mpi.h>

#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <vector>

#include "sim/core/error.hpp"

namespace capsim::planner::search {

namespace {

static_assert(std::is_trivially_copyable_v<Candidate>, "candidates travel between ranks as bytes");

/// Counts first, then the three bests, then the front.
struct TallyHeader {
  std::uint64_t evaluated, estimated, feasible, has_best, pareto;
  std::uint64_t infeasible[kInfeasibleReasons];
};

std::vector<char> pack(const SearchTally& t) {
  TallyHeader h{t.evaluated, t.estimated, t.feasible, t.has_best ? 1u : 0u, t.pareto.size(), {}};
  for (std::size_t i = 0; i < kInfeasibleReasons; ++i) h.infeasible[i] = t.infeasible[i];
  std::vector<char> bytes(sizeof h + sizeof t.best + t.pareto.size() * sizeof(Candidate));
  char* out = bytes.data();
  std::memcpy(out, &h, sizeof h);
  std::memcpy(out + sizeof h, t.best.data(), sizeof t.best);
  if (!t.pareto.empty())
    std::memcpy(out + sizeof h + sizeof t.best, t.pareto.data(), t.pareto.size() * sizeof(Candidate));
  return bytes;
}

SearchTally unpack(const char* in) {
  TallyHeader h;
  std::memcpy(&h, in, sizeof h);
  SearchTally t;
  t.evaluated = h.evaluated;
  t.estimated = h.estimated;
  t.feasible = h.feasible;
  t.has_best = h.has_best != 0;
  for (std::size_t i = 0; i < kInfeasibleReasons; ++i) t.infeasible[i] = h.infeasible[i];
  std::memcpy(t.best.data(), in + sizeof h, sizeof t.best);
  t.pareto.resize(h.pareto);
  if (h.pareto > 0) std::memcpy(t.pareto.data(), in + sizeof h + sizeof t.best, h.pareto * sizeof(Candidate));
  return t;
}

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw Error(std::string("MPI: ") + what + " failed");
}

}  // namespace

bool MpiSession::launched_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
         std::getenv("PMIX_RANK") != nullptr;
}

int MpiSession::local_size() const {
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  const int n = active_ && local != nullptr ? std::atoi(local) : 1;
  return n > 0 ? n : 1;
}

MpiSession::MpiSession() {
  if (!launched_by_mpirun()) return;
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized == 0) {
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  }
  active_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() {
  if (active_) MPI_Finalize();
}

SearchTally MpiSession::reduce(const SearchTally& local) const {
  if (!active_ || size_ == 1) return local;
  const std::vector<char> mine = pack(local);
  int count = static_cast<int>(mine.size());
  std::vector<int> counts(rank_ == 0 ? size_ : 0);
  check(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
  std::vector<int> offsets(counts.size());
  std::vector<char> all;
  if (rank_ == 0) {
    int at = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      offsets[r] = at;
      at += counts[r];
    }
    all.resize(static_cast<std::size_t>(at));
  }
  check(
      MPI_Gatherv(mine.data(), count, MPI_BYTE, all.data(), counts.data(), offsets.data(), MPI_BYTE, 0, MPI_COMM_WORLD),
      "MPI_Gatherv");
  if (rank_ != 0) return local;
  SearchTally total;
  for (std::size_t r = 0; r < counts.size(); ++r) total.merge(unpack(all.data() + offsets[r]));
  total.sort_pareto();
  return total;
}

SearchTally MpiSession::all_reduce(const SearchTally& local) const {
  if (!active_ || size_ == 1) return local;
  const SearchTally total = reduce(local);
  std::vector<char> bytes = rank_ == 0 ? pack(total) : std::vector<char>{};
  int count = static_cast<int>(bytes.size());
  check(MPI_Bcast(&count, 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Bcast");
  bytes.resize(static_cast<std::size_t>(count));
  check(MPI_Bcast(bytes.data(), count, MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return rank_ == 0 ? total : unpack(bytes.data());
}

double MpiSession::max(double value) const {
  if (!active_ || size_ == 1) return value;
  double out = value;
  check(MPI_Allreduce(&value, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  return out;
}

}  // namespace capsim::planner::search
