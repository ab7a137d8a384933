#include "models/workloads/reliability.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace capsim::workloads {

namespace {
const JobComponents kLlama = job_components(16384, 8, 8);

CheckpointLoad sync_load(double write_s) { return {write_s, 0, write_s}; }
/// An asynchronous checkpoint: `copy_s` stall, durable `write_s` after it, `contention_s` of training slowed.
CheckpointLoad async_load(double copy_s, double write_s, double contention_s = 0) {
  return {copy_s, contention_s, copy_s + write_s};
}
}  // namespace

TEST(Reliability, ReproducesLlama3InterruptionRate) {
  // Llama 3 paper: 419 unexpected interruptions in 54 days on 16,384 H100s.
  const double per_day = interruption_rate_per_s(llama3_failure_rates(), kLlama) * 86400;
  EXPECT_NEAR(per_day, 7.76, 7.76 * 0.05);
  EXPECT_NEAR(86400 / per_day / 3600, 3.09, 0.1);  // "about one every 3 hours"
}

TEST(Reliability, InterruptionRateGrowsWithJobSize) {
  const auto f = llama3_failure_rates();
  const double small = interruption_rate_per_s(f, job_components(1024, 8, 8));
  const double large = interruption_rate_per_s(f, kLlama);
  EXPECT_NEAR(large / small, 16, 1.5);
}

TEST(Reliability, GpuAndHbmCausesKeepTheirLlama3Shares) {
  ReliabilitySpec spec;
  const auto r = evaluate_reliability(spec, kLlama, 5.6, 0, async_load(0.014, 2.8), 0, 1);
  double sum = 0;
  for (const auto& [cause, per_day] : r.interruptions_per_day_by_cause) sum += per_day;
  EXPECT_NEAR(sum, r.interruptions_per_day, 1e-9);
  EXPECT_EQ(r.interruptions_per_day_by_cause[1].first, "hbm");
  EXPECT_NEAR(r.interruptions_per_day_by_cause[1].second / sum, 17.2 / 94.9, 1e-9);
}

TEST(Reliability, YoungDalyIntervalToFirstOrder) {
  EXPECT_NEAR(daly_interval_s(10, 1e6), std::sqrt(2 * 10 * 1e6), 10);
  EXPECT_DOUBLE_EQ(daly_interval_s(10, 0), 0);
}

TEST(Reliability, Llama3GoodputAboveNinetyPercent) {
  // Assumptions: 10 min restart; synchronous checkpoints of 5.7 TB to a 2 TB/s parallel FS (2.84 s stall), or
  // asynchronous ones (14 ms stall, durable 2.84 s later).
  ReliabilitySpec spec;
  const auto sync = evaluate_reliability(spec, kLlama, 5.6, 0, sync_load(2.84), 0, 1);
  const auto async = evaluate_reliability(spec, kLlama, 5.6, 0, async_load(0.014, 2.84), 0, 1);
  EXPECT_GT(sync.goodput, 0.90);
  EXPECT_GT(async.goodput, sync.goodput);
  EXPECT_LT(async.goodput, 1.0);
  // Daly for a 2.84 s checkpoint and a 3.09 h MTBF: about 4 minutes, on a step boundary.
  EXPECT_NEAR(sync.checkpoint_interval_s, 252, 10);
  EXPECT_NEAR(std::remainder(sync.checkpoint_interval_s, 5.6), 0, 1e-6);
}

TEST(Reliability, MonteCarloAgreesWithTheExpectationAndIsSeeded) {
  ReliabilitySpec spec;
  const double work = 60 * 86400.0;
  const auto a = evaluate_reliability(spec, kLlama, 5.6, work, sync_load(2.84), 0, 7);
  const auto b = evaluate_reliability(spec, kLlama, 5.6, work, sync_load(2.84), 0, 7);
  EXPECT_EQ(a.monte_carlo_runs, 200);
  EXPECT_DOUBLE_EQ(a.finish_p50_s, b.finish_p50_s);
  EXPECT_LE(a.finish_p10_s, a.finish_p50_s);
  EXPECT_LE(a.finish_p50_s, a.finish_p90_s);
  EXPECT_NEAR(a.finish_p50_s / a.effective_time_to_train_s, 1.0, 0.01);
}

TEST(Reliability, WriteContentionStretchesTheStepsTheWriteOverlaps) {
  // A 2 s write over 1 s steps that wait 0.3 s on scale-out traffic, taking a quarter of its bandwidth: two steps
  // each wait 0.3 / 0.75 instead of 0.3 s.
  EXPECT_NEAR(write_contention_s(2.0, 0.25, 0.3, 1.0), 2 * 0.1, 1e-12);
  EXPECT_DOUBLE_EQ(write_contention_s(2.0, 0.0, 0.3, 1.0), 0);
  EXPECT_DOUBLE_EQ(write_contention_s(2.0, 0.25, 0.0, 1.0), 0);
  // The training's traffic keeps at least half of the bottleneck, whatever the write asks for.
  EXPECT_DOUBLE_EQ(write_contention_s(1.0, 3.0, 0.3, 1.0), 0.3);
}

TEST(Reliability, MeasuredContentionCountsEveryStepTheWriteSpans) {
  // The DES step's work took 12 ms longer over 160 ms; a 400 ms write slows 2.5 such steps.
  EXPECT_NEAR(measured_contention_s(0.012, 0.160, 0.400), 0.030, 1e-12);
  // A write shorter than the step cost what the step saw.
  EXPECT_NEAR(measured_contention_s(0.012, 0.160, 0.100), 0.012, 1e-12);
  EXPECT_DOUBLE_EQ(measured_contention_s(-0.001, 0.160, 0.400), 0);
}

TEST(Reliability, YoungDalySeesTheContentionNotOnlyTheStall) {
  ReliabilitySpec spec;
  const auto stall_only = evaluate_reliability(spec, kLlama, 1.0, 0, async_load(0.014, 2.84), 0, 1);
  const auto shared = evaluate_reliability(spec, kLlama, 1.0, 0, async_load(0.014, 2.84, 1.386), 0, 1);
  EXPECT_DOUBLE_EQ(shared.checkpoint_cost_s, 1.4);
  EXPECT_EQ(shared.interval_bound, IntervalBound::young_daly);
  // Daly for 1.4 s at a 3.09 h MTBF: about 3 minutes, ten times the stall-only interval.
  EXPECT_NEAR(shared.checkpoint_interval_s, daly_interval_s(1.4, shared.mtbf_s), 1.0);
  EXPECT_GT(shared.checkpoint_interval_s, 150);
  EXPECT_NEAR(shared.checkpoint_interval_s / stall_only.checkpoint_interval_s, 10, 1);
  EXPECT_LT(shared.goodput, stall_only.goodput);
}

TEST(Reliability, NextCheckpointWaitsUntilTheLastIsDurable) {
  ReliabilitySpec spec;
  // A 14 ms stall alone asks for a checkpoint every ~18 s, but each takes 60 s to reach the tier.
  const auto r = evaluate_reliability(spec, kLlama, 7.0, 0, async_load(0.014, 60.0), 0, 1);
  EXPECT_EQ(r.interval_bound, IntervalBound::durable);
  EXPECT_LT(r.young_daly_interval_s, 30);
  EXPECT_GE(r.checkpoint_interval_s + r.checkpoint_stall_s, 60.0);
  EXPECT_DOUBLE_EQ(r.checkpoint_interval_s, 9 * 7.0);  // rounded up to the step that clears it
  EXPECT_NEAR(r.checkpoint_durable_s, 60.014, 1e-9);
  // A scenario interval shorter than that is raised too, and says so.
  const auto asked = evaluate_reliability(spec, kLlama, 7.0, 0, async_load(0.014, 60.0), 14.0, 1);
  EXPECT_EQ(asked.interval_bound, IntervalBound::durable);
  EXPECT_DOUBLE_EQ(asked.requested_interval_s, 14.0);
  EXPECT_DOUBLE_EQ(asked.checkpoint_interval_s, 63.0);
  const auto kept = evaluate_reliability(spec, kLlama, 7.0, 0, async_load(0.014, 60.0), 700.0, 1);
  EXPECT_EQ(kept.interval_bound, IntervalBound::scenario);
  EXPECT_DOUBLE_EQ(kept.checkpoint_interval_s, 700.0);
}

TEST(Reliability, AnAsyncSaveCostsItsBackgroundWorkASyncOneDoesNot) {
  CheckpointCost cost;
  cost.write_s = cost.sync_stall_s = 2.84;
  cost.async_stall_s = 0.0139;
  cost.async_background_s = 31.4;
  const hw::StorageTier tier = hw::default_parallel_fs();
  const WriteContext off_the_fabric;  // no link shared: only the framework's work slows the trainer
  const CheckpointLoad async = closed_form_load(cost, CheckpointMode::async, tier, off_the_fabric);
  EXPECT_DOUBLE_EQ(async.background_s, 31.4);
  EXPECT_DOUBLE_EQ(async.contention_s, 31.4);
  EXPECT_DOUBLE_EQ(async.cost_s(), 31.4 + 0.0139);
  const CheckpointLoad sync = closed_form_load(cost, CheckpointMode::sync, tier, off_the_fabric);
  EXPECT_EQ(sync.background_s, 0);
  EXPECT_DOUBLE_EQ(sync.cost_s(), 2.84);
  // At the Llama 3 405B job's MTBF (3.09 h) Daly spaces checkpoints by minutes once the background work counts,
  // by seconds on the copy alone.
  const double mtbf = 11135, step = 7.88;
  const CheckpointInterval with = checkpoint_interval(async, mtbf, step, 0);
  EXPECT_EQ(with.bound, IntervalBound::young_daly);
  EXPECT_NEAR(with.interval_s, std::round(daly_interval_s(async.cost_s(), mtbf) / step) * step, 1e-9);
  EXPECT_GT(with.interval_s, 600);
  CheckpointLoad copy_only = async;
  copy_only.contention_s = copy_only.background_s = 0;
  EXPECT_LT(checkpoint_interval(copy_only, mtbf, step, 0).interval_s, 30);
}

TEST(Reliability, NoFailuresAndNoIntervalMeansNoCheckpoints) {
  ReliabilitySpec spec;
  spec.rates = {};
  const auto r = evaluate_reliability(spec, kLlama, 1.0, 1000, async_load(0.3, 1.1), 0, 1);
  EXPECT_EQ(r.interval_bound, IntervalBound::no_failures);
  EXPECT_DOUBLE_EQ(r.checkpoint_interval_s, 0);
  EXPECT_DOUBLE_EQ(r.goodput, 1.0);
}

TEST(Reliability, NoFailuresMeansOnlyTheCheckpointStallCosts) {
  ReliabilitySpec spec;
  spec.rates = {};
  const auto r = evaluate_reliability(spec, kLlama, 1.0, 1000, sync_load(1.0), 9.0, 1);
  EXPECT_DOUBLE_EQ(r.interruptions_per_day, 0);
  EXPECT_NEAR(r.goodput, 0.9, 1e-12);
  EXPECT_NEAR(r.finish_p50_s, 1000 + 112 * 1.0, 1e-6);
}

}  // namespace capsim::workloads

#include "planner/run.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner {

namespace {

std::string scenario_with(const std::string& extra) {
  return R"({"schema": "capsim/scenario/v1", "name": "t",
    "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 2},
    "workloads": [{"name": "p", "kind": "training", "model": {"preset": "llama3-8b"},
                   "parallelism": {"tp": 8, "dp": 2, "global_batch": 16, "zero": 1}, "tokens": "1B"}])" +
         extra + "}";
}

}  // namespace

TEST(ReliabilityScenario, KeysReachTheResult) {
  const auto s = load_scenario_text(scenario_with(R"(,
    "storage": {"tiers": [{"name": "fast", "kind": "parallel-fs", "servers": 4, "bandwidth_per_server": "10 GB/s"}],
                "checkpoint": {"tier": "fast", "mode": "sync", "interval": "30 min"},
                "data": {"bytes_per_token": 4, "cache_hit": 0.5}},
    "reliability": {"failure_rates": {"gpu": "0.001/day"}, "restart_overhead": "5 min", "monte_carlo_runs": 10})"),
                                    "s.json");
  EXPECT_EQ(s.storage.checkpoint.tier, "fast");
  EXPECT_DOUBLE_EQ(s.storage.checkpoint.interval_s, 1800);
  EXPECT_DOUBLE_EQ(s.reliability.restart_overhead_s, 300);
  const auto r = run_scenario(s).training.at(0);
  EXPECT_EQ(r.storage.checkpoint_tier, "fast");
  EXPECT_EQ(r.storage.data_tier, "fast");  // the default "pfs" is not in the list
  EXPECT_NEAR(r.reliability.checkpoint_interval_s, 1800, r.step_time_s);
  EXPECT_EQ(r.reliability.monte_carlo_runs, 10);
  EXPECT_GT(r.reliability.interruptions_per_day, 16 * 0.001);
}

TEST(ReliabilityScenario, BadKeysNameTheirPointers) {
  try {
    load_scenario_text(scenario_with(R"(,
      "storage": {"tiers": [{"kind": "local-nvme", "servers": 3}, {"kind": "tape"}],
                  "checkpoint": {"tier": "pf", "mode": "later"}},
      "reliability": {"failure_rates": {"gpu": "fast"}, "monte_carlo_runs": -1})"),
                       "s.json");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    for (const char* ptr : {"/storage/tiers/0/servers", "/storage/tiers/1/kind", "/storage/checkpoint/tier",
                            "/storage/checkpoint/mode", "/reliability/failure_rates/gpu",
                            "/reliability/monte_carlo_runs"}) {
      EXPECT_NE(msg.find(ptr), std::string::npos) << ptr << " missing from\n" << msg;
    }
  }
}

}  // namespace capsim::planner

namespace capsim::planner {

TEST(ReliabilityScenario, RetentionThatDoesNotFitNamesItsKeysAndWhatFits) {
  // Llama 3 8B: 112 GB a checkpoint; a 300 GB tier holds two, not three.
  const auto s = load_scenario_text(scenario_with(R"(,
    "storage": {"tiers": [{"name": "small", "kind": "parallel-fs", "capacity": "300 GB"}],
                "checkpoint": {"tier": "small", "keep": 3}})"),
                                    "s.json");
  EXPECT_EQ(s.storage.checkpoint.keep, 3);
  try {
    run_scenario(s);
    FAIL() << "expected InfeasibleError";
  } catch (const InfeasibleError& e) {
    const std::string msg = e.what();
    for (const char* part : {"s.json: /storage/checkpoint/keep", "keeping 3 checkpoints", "tier \"small\"",
                             "set \"keep\" to 2", "/storage/tiers/0/capacity"}) {
      EXPECT_NE(msg.find(part), std::string::npos) << part << " missing from\n" << msg;
    }
  }
  // Two fit.
  const auto two = load_scenario_text(scenario_with(R"(,
    "storage": {"tiers": [{"name": "small", "kind": "parallel-fs", "capacity": "300 GB"}],
                "checkpoint": {"tier": "small", "keep": 2}})"),
                                      "s.json");
  EXPECT_EQ(run_scenario(two).training.at(0).reliability.checkpoints_kept, 2);
}

TEST(ReliabilityScenario, KeepBesidePlacementCheckpointsIsRejected) {
  try {
    load_scenario_text(scenario_with(R"(,
      "storage": {"checkpoint": {"keep": 3}, "placement": {"checkpoints": {"keep_hot": 2}}})"),
                       "s.json");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/storage/checkpoint/keep"), std::string::npos) << e.what();
  }
}

TEST(ReliabilityScenario, AsyncWriteOnAnOversubscribedFabricCostsMoreThanItsStall) {
  // The same checkpoint to the same tier: behind 4:1 leaf uplinks the write takes four times the share of the
  // links the data-parallel traffic crosses, so it costs training more and Young/Daly spaces checkpoints wider.
  auto run = [](const char* oversubscription) {
    const std::string text = std::string(R"({"schema": "capsim/scenario/v1", "name": "t",
      "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 16,
                  "scale_out": {"topology": "fat-tree", "oversubscription": )") + oversubscription + R"(}},
      "workloads": [{"name": "p", "kind": "training", "model": {"preset": "llama3-8b"},
                     "parallelism": {"tp": 8, "dp": 16, "global_batch": 16, "zero": 1}, "tokens": "1B"}],
      "storage": {"tiers": [{"name": "pfs", "kind": "parallel-fs", "servers": 100, "bandwidth_per_server": "20 GB/s",
                             "client_bandwidth_per_node": "100 Gb/s"}],
                  "checkpoint": {"tier": "pfs", "mode": "async"}}})";
    return run_scenario(load_scenario_text(text, "s.json")).training.at(0).reliability;
  };
  const auto flat = run("1");
  const auto tapered = run("4");
  // The framework's background save work costs both the same; the write's share of the links does not.
  EXPECT_GT(flat.checkpoint_background_s, 0);
  EXPECT_DOUBLE_EQ(tapered.checkpoint_background_s, flat.checkpoint_background_s);
  const double flat_fabric = flat.checkpoint_contention_s - flat.checkpoint_background_s;
  const double tapered_fabric = tapered.checkpoint_contention_s - tapered.checkpoint_background_s;
  EXPECT_GT(flat_fabric, 0);
  EXPECT_GT(tapered_fabric, 3 * flat_fabric);
  EXPECT_DOUBLE_EQ(tapered.checkpoint_cost_s, tapered.checkpoint_stall_s + tapered.checkpoint_contention_s);
  EXPECT_GE(tapered.young_daly_interval_s, flat.young_daly_interval_s);
  EXPECT_GE(tapered.checkpoint_durable_s, tapered.checkpoint_stall_s);
  EXPECT_FALSE(tapered.checkpoint_cost_simulated);
}

}  // namespace capsim::planner
