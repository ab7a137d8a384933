#include "planner/search/search_tally.hpp"

#include <algorithm>

namespace capsim::planner::search {

std::string_view to_string(Infeasible reason) {
  switch (reason) {
    case Infeasible::tp_kv_heads:
      return "tp_kv_heads";
    case Infeasible::cp_seq_len:
      return "cp_seq_len";
    case Infeasible::global_batch:
      return "global_batch";
    case Infeasible::interleave:
      return "interleave";
    case Infeasible::memory:
      return "memory";
    case Infeasible::budget:
      return "budget";
  }
  return "unknown";
}

std::string_view to_string(Objective objective) {
  switch (objective) {
    case Objective::time:
      return "time";
    case Objective::cost:
      return "cost";
    case Objective::energy:
      return "energy";
  }
  return "unknown";
}

bool dominates(const Candidate& a, const Candidate& b) {
  return a.time_s <= b.time_s && a.cost_usd <= b.cost_usd && a.energy_J <= b.energy_J &&
         (a.time_s < b.time_s || a.cost_usd < b.cost_usd || a.energy_J < b.energy_J);
}

namespace {

bool same_figures(const Candidate& a, const Candidate& b) {
  return a.time_s == b.time_s && a.cost_usd == b.cost_usd && a.energy_J == b.energy_J;
}

/// Inserts `c` into a front: dropped if a member dominates it (or has the same figures and a lower index), and
/// members it dominates (or ties with a higher index) go. The survivors are the non-dominated set of everything
/// offered, one per distinct figure triple, whatever the order of offers.
void offer(std::vector<Candidate>& front, const Candidate& c) {
  for (const Candidate& q : front) {
    if (dominates(q, c) || (same_figures(q, c) && q.index < c.index)) return;
  }
  for (std::size_t i = 0; i < front.size();) {
    if (dominates(c, front[i]) || same_figures(c, front[i])) {
      front[i] = front.back();
      front.pop_back();
    } else {
      ++i;
    }
  }
  front.push_back(c);
}

bool better(const Candidate& a, const Candidate& b, std::size_t objective) {
  const double x = a.objective(objective);
  const double y = b.objective(objective);
  return x < y || (x == y && a.index < b.index);
}

}  // namespace

void SearchTally::add(const Candidate& c) {
  if (!has_best) {
    best.fill(c);
    has_best = true;
  } else {
    for (std::size_t i = 0; i < kObjectives; ++i) {
      if (better(c, best[i], i)) best[i] = c;
    }
  }
  offer(pareto, c);
}

void SearchTally::merge(const SearchTally& other) {
  evaluated += other.evaluated;
  estimated += other.estimated;
  feasible += other.feasible;
  for (std::size_t i = 0; i < kInfeasibleReasons; ++i) infeasible[i] += other.infeasible[i];
  if (other.has_best) {
    if (!has_best) {
      best = other.best;
      has_best = true;
    } else {
      for (std::size_t i = 0; i < kObjectives; ++i) {
        if (better(other.best[i], best[i], i)) best[i] = other.best[i];
      }
    }
  }
  for (const Candidate& c : other.pareto) offer(pareto, c);
}

void SearchTally::sort_pareto() {
  std::sort(pareto.begin(), pareto.end(), [](const Candidate& a, const Candidate& b) {
    return a.time_s < b.time_s || (a.time_s == b.time_s && a.index < b.index);
  });
}

}  // namespace capsim::planner::search
