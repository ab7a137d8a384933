#include "planner/search/search_tally.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace capsim::planner::search {
namespace CAPSIM_UNITY_ID {

Candidate point(std::uint64_t index, double time_s, double cost_usd, double energy_J) {
  Candidate c;
  c.index = index;
  c.time_s = time_s;
  c.cost_usd = cost_usd;
  c.energy_J = energy_J;
  return c;
}

std::vector<std::uint64_t> front_indices(SearchTally t) {
  t.sort_pareto();
  std::vector<std::uint64_t> out;
  for (const auto& c : t.pareto) out.push_back(c.index);
  return out;
}

TEST(SearchTally, DominanceNeedsOneStrictImprovement) {
  EXPECT_TRUE(dominates(point(0, 1, 1, 1), point(1, 2, 1, 1)));
  EXPECT_FALSE(dominates(point(0, 1, 1, 1), point(1, 1, 1, 1)));
  EXPECT_FALSE(dominates(point(0, 1, 2, 1), point(1, 2, 1, 1)));
}

TEST(SearchTally, FrontKeepsTradeOffsAndDropsDominatedPoints) {
  SearchTally t;
  t.add(point(0, 3, 3, 3));  // dominated by 1
  t.add(point(1, 2, 2, 2));
  t.add(point(2, 1, 5, 2));  // faster, dearer
  t.add(point(3, 5, 1, 9));  // cheaper, slower
  t.add(point(4, 2, 2, 2));  // same figures as 1, later: dropped
  EXPECT_EQ(front_indices(t), (std::vector<std::uint64_t>{2, 1, 3}));
  EXPECT_EQ(t.best[0].index, 2u);
  EXPECT_EQ(t.best[1].index, 3u);
  EXPECT_EQ(t.best[2].index, 1u);
}

TEST(SearchTally, MergeOrderDoesNotChangeTheAnswer) {
  std::vector<Candidate> points;
  for (std::uint64_t i = 0; i < 200; ++i) {
    const double x = static_cast<double>((i * 37) % 101);
    points.push_back(point(i, x, 100 - x + static_cast<double>(i % 7), static_cast<double>((i * 13) % 17)));
  }
  points.push_back(point(500, 10, 10, 1));
  points.push_back(point(499, 10, 10, 1));  // a tie: the lower index stays, whichever comes first
  SearchTally a, b, c;
  for (std::size_t i = 0; i < points.size(); ++i) (i % 2 == 0 ? a : b).add(points[i]);
  SearchTally forward = a;
  forward.merge(b);
  SearchTally backward = b;
  backward.merge(a);
  for (auto it = points.rbegin(); it != points.rend(); ++it) c.add(*it);
  EXPECT_EQ(front_indices(forward), front_indices(backward));
  EXPECT_EQ(front_indices(forward), front_indices(c));
  for (std::size_t i = 0; i < kObjectives; ++i) EXPECT_EQ(forward.best[i].index, backward.best[i].index);
  const auto f = front_indices(forward);
  EXPECT_NE(std::find(f.begin(), f.end(), 499u), f.end());
  EXPECT_EQ(std::find(f.begin(), f.end(), 500u), f.end());
}

TEST(SearchTally, InfeasibleCountsAddToEvaluated) {
  SearchTally t;
  t.count_infeasible(Infeasible::memory, 5);
  t.count_infeasible(Infeasible::global_batch);
  EXPECT_EQ(t.evaluated, 6u);
  EXPECT_EQ(t.infeasible[static_cast<std::size_t>(Infeasible::memory)], 5u);
  EXPECT_EQ(to_string(Infeasible::global_batch), "global_batch");
}

}  // namespace
}  // namespace capsim::planner::search
