// What the scheduling literature reports, on heavy-tailed loads: SJF and LAS below FIFO in mean JCT, backfill above
// strict FIFO in allocation, borrowing quotas above hard quotas in utilization without starving a team; and
// placement: a spread gang on an oversubscribed fabric runs slower than a packed one.

#include <gtest/gtest.h>

#include "sim/fleet/job_generator.hpp"
#include "tests/fleet/fleet_test_util.hpp"

namespace capsim::fleet {
namespace CAPSIM_UNITY_ID {

using testing::small_fleet;

/// 64 GPUs, Gavel's Philly-derived mix at about 90% load (mean 1.9 GPUs x 16.8 h per job), 2,000 jobs.
FleetSpec philly(Policy p, std::vector<std::string> teams = {"a"}) {
  FleetSpec s = small_fleet(8, p, teams);
  s.restart_s = 60;
  Generator g;
  g.mix = MixKind::philly_gavel;
  g.mean_interarrival_s = 2000;
  g.jobs = 2000;
  for (std::uint32_t t = 0; t < s.teams.size(); ++t) {
    g.team = t;
    // Team 0 submits most of the work; the others a little each.
    g.mean_interarrival_s = t == 0 ? 2600 : 2000 * 3.0 * (s.teams.size() - 1) / 0.3 / 3.0;
    g.jobs = t == 0 ? 2000 : 300;
    auto jobs = generate_jobs(g, 17 + t, 64, 0);
    s.jobs.insert(s.jobs.end(), jobs.begin(), jobs.end());
  }
  std::stable_sort(s.jobs.begin(), s.jobs.end(), [](const FleetJob& x, const FleetJob& y) { return x.submit_s < y.submit_s; });
  return s;
}

TEST(FleetPolicies, SjfAndLasBeatFifoOnMeanJct) {
  const FleetResult fifo = run_fleet(philly(Policy::fifo));
  const FleetResult sjf = run_fleet(philly(Policy::sjf));
  const FleetResult srtf = run_fleet(philly(Policy::srtf));
  const FleetResult las = run_fleet(philly(Policy::las));
  ASSERT_EQ(fifo.jobs_completed, fifo.jobs_submitted);
  EXPECT_LT(sjf.jct.mean, 0.8 * fifo.jct.mean);
  EXPECT_LT(srtf.jct.mean, 0.8 * fifo.jct.mean);
  EXPECT_LT(las.jct.mean, 0.8 * fifo.jct.mean);
  EXPECT_GT(las.preemptions, 0);
}

TEST(FleetPolicies, BackfillRaisesAllocationAboveStrictFifo) {
  const FleetResult fifo = run_fleet(philly(Policy::fifo));
  const FleetResult easy = run_fleet(philly(Policy::fifo_backfill));
  EXPECT_GT(easy.gpu_allocation, fifo.gpu_allocation);
  EXPECT_LT(easy.queue.mean, fifo.queue.mean);
  EXPECT_LT(easy.makespan_s, fifo.makespan_s * 1.001);
}

TEST(FleetPolicies, BorrowingQuotasBeatHardQuotasWithoutStarvingATeam) {
  auto with_quotas = [](Policy p) {
    FleetSpec s = philly(p, {"big", "small1", "small2", "small3"});
    for (auto& t : s.teams) t.quota_gpus = 16;
    return s;
  };
  const FleetResult hard = run_fleet(with_quotas(Policy::quota));
  const FleetResult borrow = run_fleet(with_quotas(Policy::quota_borrow));
  EXPECT_GT(borrow.gpu_allocation, hard.gpu_allocation + 0.05);
  EXPECT_LT(borrow.jct.mean, hard.jct.mean);
  for (std::size_t t = 0; t < hard.teams.size(); ++t) {
    EXPECT_EQ(borrow.teams[t].jobs_completed, borrow.teams[t].jobs_submitted) << borrow.teams[t].name;
    if (t == 0) continue;
    // The small teams get their own quota back by reclaim: their waits stay close to what they were.
    EXPECT_LT(borrow.teams[t].queue.mean, hard.teams[t].queue.mean + 3600) << borrow.teams[t].name;
  }
}

/// 64 nodes behind leaves of 4 nodes, leaf uplinks oversubscribed `ratio`:1; 8-node gangs one after another.
FleetSpec gangs(Placement placement, double ratio) {
  FleetSpec s = small_fleet(64, Policy::fifo_backfill);
  s.cluster.scale_out.oversubscription = ratio;
  s.placement = placement;
  for (int i = 0; i < 40; ++i) s.jobs.push_back(testing::job(i * 1800.0, 64, 6 * 3600.0));
  return s;
}

TEST(FleetPolicies, SpreadGangsRunSlowerOnAnOversubscribedFabric) {
  const FleetResult packed = run_fleet(gangs(Placement::packed, 4));
  const FleetResult spread = run_fleet(gangs(Placement::spread, 4));
  EXPECT_DOUBLE_EQ(packed.placement_slowdown, 1.0);
  EXPECT_GT(spread.placement_slowdown, 1.01);
  EXPECT_GT(spread.jct.mean, packed.jct.mean);
  // At full bisection spreading costs nothing.
  const FleetResult spread_full = run_fleet(gangs(Placement::spread, 1));
  EXPECT_NEAR(spread_full.placement_slowdown, 1.0, 1e-9);
}

TEST(FleetPolicies, GeneratedMixesMatchTheirDescriptions) {
  // Gavel's mix: mean GPUs 0.7 + 0.2 + 0.6 + 0.4 = 1.9; mean duration 0.8 x 16.8 k + 0.2 x 234.5 k = 60.3 k s.
  const auto [gpus, dur] = mix_means(MixKind::philly_gavel, 200000, 3);
  EXPECT_NEAR(gpus, 1.9, 0.02);
  EXPECT_NEAR(dur, 60300, 1500);
  // The LLM lab: median 1 GPU, mean within Acme's range (5.7 Seren to 26.8 Kalos).
  const auto [lg, ld] = mix_means(MixKind::llm_lab, 200000, 3);
  EXPECT_GT(lg, 5.7);
  EXPECT_LT(lg, 26.8);
  EXPECT_GT(ld, 600);
}

}  // namespace
}  // namespace capsim::fleet
