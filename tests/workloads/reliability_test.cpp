#include "models/workloads/reliability.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace capsim::workloads {

namespace {
const JobComponents kLlama = job_components(16384, 8, 8);
}

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
  const auto r = evaluate_reliability(spec, kLlama, 5.6, 0, 0.014, 2.8, 0, 1);
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
  const auto sync = evaluate_reliability(spec, kLlama, 5.6, 0, 2.84, 0, 0, 1);
  const auto async = evaluate_reliability(spec, kLlama, 5.6, 0, 0.014, 2.84, 0, 1);
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
  const auto a = evaluate_reliability(spec, kLlama, 5.6, work, 2.84, 0, 0, 7);
  const auto b = evaluate_reliability(spec, kLlama, 5.6, work, 2.84, 0, 0, 7);
  EXPECT_EQ(a.monte_carlo_runs, 200);
  EXPECT_DOUBLE_EQ(a.finish_p50_s, b.finish_p50_s);
  EXPECT_LE(a.finish_p10_s, a.finish_p50_s);
  EXPECT_LE(a.finish_p50_s, a.finish_p90_s);
  EXPECT_NEAR(a.finish_p50_s / a.effective_time_to_train_s, 1.0, 0.01);
}

TEST(Reliability, NoFailuresMeansOnlyTheCheckpointStallCosts) {
  ReliabilitySpec spec;
  spec.rates = {};
  const auto r = evaluate_reliability(spec, kLlama, 1.0, 1000, 1.0, 0, 9.0, 1);
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
