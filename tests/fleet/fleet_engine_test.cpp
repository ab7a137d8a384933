// Hand-worked fleets: a few jobs on 8-16 GPUs whose completion times follow from the policy's rules by hand.

#include <gtest/gtest.h>

#include "sim/fleet/cluster_state.hpp"
#include "tests/fleet/fleet_test_util.hpp"

namespace capsim::fleet {
namespace CAPSIM_UNITY_ID {

using testing::jcts;
using testing::job;
using testing::small_fleet;

/// 16 GPUs. A (8 GPUs, 100 s) and B (16 GPUs, 50 s) at 0; C (8 GPUs, 10 s) at 1; D (8 GPUs, 200 s) at 20.
FleetSpec abcd(Policy p) {
  FleetSpec s = small_fleet(2, p);
  s.jobs = {job(0, 8, 100), job(0, 16, 50), job(1, 8, 10), job(20, 8, 200)};
  return s;
}

TEST(FleetEngine, StrictFifoHeadBlocksEveryJobBehindIt) {
  // A runs 0-100; B waits for all 16 GPUs: 100-150; C 150-160; D 150-350 (8 GPUs free beside C).
  EXPECT_EQ(jcts(abcd(Policy::fifo)), (std::vector<double>{100, 150, 159, 330}));
}

TEST(FleetEngine, EasyBackfillStartsOnlyJobsThatCannotDelayTheHead) {
  // B's reservation: 100 (A's end), no spare GPUs then. C ends at 11 <= 100: it backfills. D would end at 220 > 100
  // and has no spare GPUs to use: it waits for B, 150-350.
  EXPECT_EQ(jcts(abcd(Policy::fifo_backfill)), (std::vector<double>{100, 150, 10, 330}));
}

TEST(FleetEngine, BestEffortFifoLetsLaterJobsDelayALargeHead) {
  // C at 1-11 and D at 20-220 skip B, which starts only when A (100) and D (220) are done: 220-270.
  EXPECT_EQ(jcts(abcd(Policy::best_effort_fifo)), (std::vector<double>{100, 270, 10, 200}));
}

TEST(FleetEngine, ShortestJobFirstOrdersTheQueueByDuration) {
  // At 0 B (50 s) goes before A (100 s): 0-50. At 50: C (10 s) and A start; D (200 s) starts when C ends, 60-260.
  EXPECT_EQ(jcts(abcd(Policy::sjf)), (std::vector<double>{150, 50, 59, 240}));
}

TEST(FleetEngine, BackfillWithEstimatesTrustsTheUsersGuess) {
  // C claims 200 s (it takes 10): with estimates it ends after B's reservation and may not backfill.
  FleetSpec s = abcd(Policy::fifo_backfill);
  s.use_estimates = true;
  s.jobs[2].estimate_s = 200;
  const auto j = jcts(s);
  EXPECT_EQ(j[2], 159);  // after B: 150-160
}

TEST(FleetEngine, HigherPriorityPreemptsAndTheVictimResumesWhereItStopped) {
  // A (16 GPUs, 100 s, priority 0) at 0; B (8 GPUs, 20 s, priority 5) at 10 preempts it. A checkpoints on
  // preemption and resumes at 30 with 90 s left: done at 120.
  FleetSpec s = small_fleet(2, Policy::priority);
  s.jobs = {job(0, 16, 100, 0, 0), job(10, 8, 20, 0, 5)};
  s.record_jobs = true;
  const FleetResult r = run_fleet(s);
  EXPECT_EQ(r.jobs[0].finish_s, 120);
  EXPECT_EQ(r.jobs[1].finish_s, 30);
  EXPECT_EQ(r.jobs[0].preemptions, 1);
  EXPECT_EQ(r.preemptions, 1);
}

TEST(FleetEngine, EqualPriorityNeverPreempts) {
  FleetSpec s = small_fleet(1, Policy::priority);
  s.jobs = {job(0, 8, 100), job(10, 8, 20)};
  EXPECT_EQ(jcts(s), (std::vector<double>{100, 110}));
}

TEST(FleetEngine, RestartTimeIsPaidOnResume) {
  FleetSpec s = small_fleet(2, Policy::priority);
  s.restart_s = 15;
  s.jobs = {job(0, 16, 100, 0, 0), job(10, 8, 20, 0, 5)};
  EXPECT_EQ(jcts(s)[0], 135);  // resumes at 30, restarts for 15 s, 90 s of work left
}

TEST(FleetEngine, ShortestRemainingTimePreemptsALongerRunningJob) {
  // 8 GPUs. A (100 s) at 0; B (20 s) at 10: A has 90 s left > 20, so B runs 10-30 and A finishes at 120.
  FleetSpec s = small_fleet(1, Policy::srtf);
  s.jobs = {job(0, 8, 100), job(10, 8, 20)};
  EXPECT_EQ(jcts(s), (std::vector<double>{120, 20}));
}

TEST(FleetEngine, TiresiasLasDemotesByAttainedGpuTimeAndNewJobsPreempt) {
  // 8 GPUs, one threshold of 100 GPU-s. A (8 GPUs, 1000 s) reaches it at 12.5 s and drops to Q1. B (8 GPUs, 10 s,
  // 80 GPU-s: never demoted) arrives at 50 in Q0 and preempts A: B 50-60, A resumes with 950 s left: ends 1010.
  FleetSpec s = small_fleet(1, Policy::las);
  s.las_thresholds_gpu_s = {100};
  s.jobs = {job(0, 8, 1000), job(50, 8, 10)};
  EXPECT_EQ(jcts(s), (std::vector<double>{1010, 10}));
  // Under FIFO B waits for A.
  s.policy = Policy::fifo;
  EXPECT_EQ(jcts(s), (std::vector<double>{1000, 960}));
}

TEST(FleetEngine, LasKeepsAJobInQ0BelowItsThreshold) {
  // A (8 GPUs, 10 s = 80 GPU-s) stays in Q0, so B arriving at 5 in Q0 does not preempt it (FIFO in a queue).
  FleetSpec s = small_fleet(1, Policy::las);
  s.las_thresholds_gpu_s = {100};
  s.jobs = {job(0, 8, 10), job(5, 8, 10)};
  EXPECT_EQ(jcts(s), (std::vector<double>{10, 15}));
}

/// Teams x and y, 8-GPU quotas on 16 GPUs. x submits two 8-GPU jobs of 100 s at 0; y one of 10 s at 50.
FleetSpec two_teams(Policy p) {
  FleetSpec s = small_fleet(2, p, {"x", "y"});
  s.teams[0].quota_gpus = 8;
  s.teams[1].quota_gpus = 8;
  s.jobs = {job(0, 8, 100, 0), job(0, 8, 100, 0), job(50, 8, 10, 1)};
  return s;
}

TEST(FleetEngine, HardQuotasLeaveIdleQuotaIdle) {
  // x's second job waits for its first although y's 8 GPUs sit idle until 50.
  EXPECT_EQ(jcts(two_teams(Policy::quota)), (std::vector<double>{100, 200, 10}));
}

TEST(FleetEngine, BorrowedQuotaIsReclaimedByPreemption) {
  // x borrows y's idle quota at 0; at 50 y's job fits its own quota, so x's borrowing job is preempted (it has done
  // 50 s), y runs 50-60, and x's job resumes: 60 + 50 = 110.
  FleetSpec s = two_teams(Policy::quota_borrow);
  s.record_jobs = true;
  const FleetResult r = run_fleet(s);
  EXPECT_EQ(r.jobs[0].finish_s, 100);
  EXPECT_EQ(r.jobs[1].finish_s, 110);
  EXPECT_EQ(r.jobs[2].finish_s, 60);
  EXPECT_EQ(r.preemptions, 1);
}

TEST(FleetEngine, ALendingLimitOfZeroKeepsQuotaPrivate) {
  FleetSpec s = two_teams(Policy::quota_borrow);
  s.teams[1].lending_limit = 0;
  EXPECT_EQ(jcts(s), (std::vector<double>{100, 200, 10}));
}

TEST(FleetEngine, ABorrowingLimitCapsWhatATeamTakes) {
  FleetSpec s = two_teams(Policy::quota_borrow);
  s.teams[0].borrowing_limit = 4;  // x may hold 12 GPUs at most: its second 8-GPU job waits
  EXPECT_EQ(jcts(s), (std::vector<double>{100, 200, 10}));
}

TEST(FleetEngine, FairSharingPreemptsTheTeamAboveItsShare) {
  // No quotas, equal weights: at 50 y's share with its job (8/16) is not above x's without one job (8/16), so one
  // of x's jobs is preempted, as with reclaim.
  FleetSpec s = two_teams(Policy::fair_share);
  s.teams[0].quota_gpus = s.teams[1].quota_gpus = 0;
  EXPECT_EQ(jcts(s), (std::vector<double>{100, 110, 10}));
}

TEST(FleetEngine, DrfOrdersTeamsByShareWithoutPreempting) {
  FleetSpec s = two_teams(Policy::drf);
  s.teams[0].quota_gpus = s.teams[1].quota_gpus = 0;
  EXPECT_EQ(jcts(s), (std::vector<double>{100, 100, 60}));
  // When 8 GPUs free up at 50, x still holds 8 and y none: DRF serves y's job before x's older one.
  FleetSpec q = small_fleet(2, Policy::drf, {"x", "y"});
  q.jobs = {job(0, 8, 100, 0), job(0, 8, 50, 0), job(1, 8, 10, 0), job(2, 8, 10, 1)};
  EXPECT_EQ(jcts(q), (std::vector<double>{100, 50, 69, 58}));
  q.policy = Policy::best_effort_fifo;
  EXPECT_EQ(jcts(q), (std::vector<double>{100, 50, 59, 68}));
}

TEST(FleetEngine, ResultsCountUtilizationThreeWays) {
  // One 8-GPU job of 100 s on 16 GPUs: allocation = busy = goodput = 0.5 over 100 s.
  FleetSpec s = small_fleet(2, Policy::fifo);
  s.jobs = {job(0, 8, 100)};
  const FleetResult r = run_fleet(s);
  EXPECT_DOUBLE_EQ(r.gpu_allocation, 0.5);
  EXPECT_DOUBLE_EQ(r.gpu_busy, 0.5);
  EXPECT_DOUBLE_EQ(r.goodput, 0.5);
  EXPECT_EQ(r.jobs_completed, 1);
  EXPECT_DOUBLE_EQ(r.jct.mean, 100);
  EXPECT_DOUBLE_EQ(r.teams[0].gpu_hours, 800.0 / 3600);
}

TEST(FleetEngine, RestartsCountAsAllocatedButNotBusy) {
  FleetSpec s = small_fleet(2, Policy::priority);
  s.restart_s = 20;
  s.jobs = {job(0, 16, 100, 0, 0), job(10, 8, 20, 0, 5)};
  const FleetResult r = run_fleet(s);
  // Ends at 140. Held: A 16 x (10 + 110) + B 8 x 20 = 2080 GPU-s; stepping: 2080 - 16 x 20 = 1760.
  EXPECT_DOUBLE_EQ(r.horizon_s, 140);
  EXPECT_NEAR(r.gpu_allocation, 2080.0 / (16 * 140), 1e-12);
  EXPECT_NEAR(r.gpu_busy, 1760.0 / (16 * 140), 1e-12);
}

TEST(FleetEngine, FailuresCostReworkAndTheRunIsDeterministicForASeed) {
  FleetSpec s = small_fleet(4, Policy::fifo_backfill);
  s.failures = true;
  s.checkpoints = true;
  s.restart_s = 60;
  // Rates a thousand times Llama 3's, so that a few days see failures on 32 GPUs.
  auto& r = s.failure_rates;
  for (double* rate : {&r.gpu_per_s, &r.hbm_per_s, &r.node_per_s, &r.nic_per_s, &r.software_per_s}) *rate *= 1000;
  for (int i = 0; i < 40; ++i) s.jobs.push_back(job(i * 600.0, 8 << (i % 3), 20000));
  const FleetResult a = run_fleet(s);
  const FleetResult b = run_fleet(s);
  EXPECT_GT(a.failures, 0);
  EXPECT_GT(a.failures_hitting_jobs, 0);
  EXPECT_LT(a.goodput, a.gpu_busy);
  EXPECT_LT(a.gpu_busy, a.gpu_allocation);
  EXPECT_EQ(a.jobs_completed, 40);
  EXPECT_EQ(a.jct.mean, b.jct.mean);
  EXPECT_EQ(a.failures, b.failures);
  s.seed = 2;
  const FleetResult c = run_fleet(s);
  EXPECT_NE(a.jct.mean, c.jct.mean);
}

TEST(FleetEngine, AStuckQueueEndsWithAWarningInsteadOfHanging) {
  // Under hard quotas a job larger than its team's quota never starts (the planner rejects it; the engine stops).
  FleetSpec s = small_fleet(2, Policy::quota, {"x"});
  s.teams[0].quota_gpus = 8;
  s.jobs = {job(0, 16, 10)};
  const FleetResult r = run_fleet(s);
  EXPECT_EQ(r.jobs_completed, 0);
  ASSERT_EQ(r.warnings.size(), 1u);
}

TEST(FleetEngine, ServicesScaleWithTheirCurveAndPreemptBatchJobs) {
  // 16 GPUs. A service of 2-GPU replicas serving 10 requests/s each: 3 requests/s (1 replica) except from 1 h to
  // 2 h, 30 requests/s (3 replicas). A 14-GPU job (2 h) starts at 0 beside the one replica; at 1 h the service
  // needs 4 more GPUs and preempts it; at 2 h it shrinks back and the job resumes with 1 h left: done at 3 h.
  FleetSpec s = small_fleet(2, Policy::fifo);
  FleetService svc;
  svc.name = "chat";
  svc.replica_gpus = 2;
  svc.replica_capacity_rps = 10;
  svc.peak_rps = 30;
  svc.headroom = 0;
  svc.curve.fill(0.1);
  svc.curve[1] = 1.0;
  s.services = {svc};
  s.horizon_s = 4 * 3600;
  s.jobs = {job(0, 14, 7200)};
  s.record_jobs = true;
  const FleetResult r = run_fleet(s);
  ASSERT_EQ(r.services.size(), 1u);
  EXPECT_EQ(r.services[0].peak_replicas, 3);
  EXPECT_EQ(r.services[0].preemptions_caused, 1);
  EXPECT_DOUBLE_EQ(r.services[0].slo_attainment, 1.0);
  EXPECT_EQ(r.jobs[0].finish_s, 3 * 3600);
  EXPECT_EQ(r.jobs[0].preemptions, 1);
}

TEST(ClusterState, PackedFillsTheFullestNodeAndSpreadTheEmptiest) {
  ClusterState c(4, 8, 2);
  Allocation a, b;
  ASSERT_TRUE(c.place(2, Placement::packed, a));
  ASSERT_TRUE(c.place(2, Placement::packed, b));
  EXPECT_EQ(a.parts[0].first, b.parts[0].first);  // best fit: the same node
  Allocation s1, s2;
  ASSERT_TRUE(c.place(1, Placement::spread, s1));
  EXPECT_NE(s1.parts[0].first, a.parts[0].first);  // an empty node
  EXPECT_EQ(c.free_gpus(), 32 - 5);
  c.release(a);
  c.release(b);
  c.release(s1);
  EXPECT_EQ(c.free_gpus(), 32);
}

TEST(ClusterState, LargeGangsTakeWholeNodesAndCountLeaves) {
  ClusterState c(8, 8, 2);  // 4 leaves of 2 nodes
  Allocation packed, spread;
  ASSERT_TRUE(c.place(16, Placement::packed, packed));
  EXPECT_EQ(packed.nodes, 2);
  EXPECT_EQ(packed.leaves, 1);
  ASSERT_TRUE(c.place(24, Placement::spread, spread));
  EXPECT_EQ(spread.nodes, 3);
  EXPECT_EQ(spread.leaves, 3);
  EXPECT_FALSE(c.fits(32));  // 3 whole nodes left
  EXPECT_TRUE(c.fits(24));
  Allocation rem;
  ASSERT_TRUE(c.place(12, Placement::topology, rem));  // one whole node and 4 GPUs of another
  EXPECT_EQ(rem.nodes, 2);
  EXPECT_EQ(c.free_gpus(), 64 - 16 - 24 - 12);
}

TEST(ClusterState, DownNodesHoldNoJobs) {
  ClusterState c(2, 8, 2);
  c.set_down(0, true);
  EXPECT_EQ(c.free_gpus(), 8);
  EXPECT_FALSE(c.fits(16));
  c.set_down(0, false);
  EXPECT_TRUE(c.fits(16));
}

}  // namespace
}  // namespace capsim::fleet
