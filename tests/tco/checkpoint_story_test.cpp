// One checkpoint story across commands (issue 13, section 4): `capsim run`, a study's option in `capsim plan` and a
// fleet job of the same training job cost a checkpoint the same way (its stall, the steps its asynchronous write
// slows, the time it takes to become durable) and so checkpoint at the same interval, with the same goodput.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "models/workloads/reliability.hpp"
#include "planner/run.hpp"
#include "planner/scenario.hpp"
#include "planner/tco/capacity.hpp"
#include "planner/tco/study.hpp"
#include "sim/fleet/job_speed.hpp"

namespace capsim::planner::tco {
namespace CAPSIM_UNITY_ID {

namespace fs = std::filesystem;

const std::string kExample = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/examples/llama3-405b-16k-gpus.json";

/// The 405B example with its checkpoints on a 2 GB/s parallel file system: a checkpoint then takes longer to become
/// durable (47 min) than Daly's interval, so the durable floor sets the interval.
std::string slow_tier_scenario() {
  // One directory per test process: ctest runs this file's tests as parallel processes, and one writing the file
  // while another reads it gave the reader an empty file.
  const fs::path dir = fs::temp_directory_path() / ("capsim-checkpoint-story-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "slow-pfs.json";
  std::ifstream in(kExample);
  nlohmann::json doc = nlohmann::json::parse(in);
  doc["name"] = "slow-pfs";
  doc["storage"] = nlohmann::json::parse(R"({"tiers": [
      {"name": "nvme", "kind": "local-nvme"},
      {"name": "pfs", "kind": "parallel-fs", "aggregate_bandwidth": "2 GB/s"},
      {"name": "s3", "kind": "object-store"}]})");
  std::ofstream(file) << doc.dump(2);
  return file.string();
}

/// A study with one option renting the scenario's GPUs and one training demand on its workload.
Study study_of(const std::string& scenario) {
  const std::string text = R"({"schema": "capsim/study/v1", "name": "checkpoint-story", "horizon_months": 12,
    "discount_rate": 0.1,
    "demand": [{"name": "train", "kind": "training", "scenario": ")" +
                           scenario + R"(", "workload": "pretrain", "tokens": "1T", "start_month": 0}],
    "options": [{"name": "rent", "kind": "cloud", "gpu": "h100-sxm5-80gb", "price_per_gpu_hour": "$2/h"}]})";
  return load_study_text(text, std::string(CAPSIM_SOURCE_DIR) + "/scenarios/studies/checkpoint-story.json");
}

sim::TrainingResult run(const Scenario& s) { return run_scenario(s, "analytical").training.at(0); }

TEST(CheckpointStory, AStudyOptionChoosesTheIntervalAndGoodputOfCapsimRun) {
  for (const std::string& file : {kExample, slow_tier_scenario()}) {
    SCOPED_TRACE(file);
    const workloads::ReliabilityResult rel = run(load_scenario_file(file)).reliability;
    // The cost is more than the stall, or the test could not tell the two stories apart.
    ASSERT_GT(rel.checkpoint_contention_s, 0);
    ASSERT_GT(rel.mtbf_s, 0);
    const CapacityModel m = build_capacity(study_of(file));
    const TrainingCapacity& t = m.training.at({0, "h100-sxm5-80gb"});
    EXPECT_DOUBLE_EQ(t.checkpoint.cost_s(), rel.checkpoint_cost_s);
    const workloads::CheckpointInterval plan =
        workloads::checkpoint_interval(t.checkpoint, 1 / t.failure_rate_per_s, t.step_time_s, t.requested_interval_s);
    EXPECT_NEAR(plan.interval_s, rel.checkpoint_interval_s, 1e-9 * rel.checkpoint_interval_s);
    EXPECT_EQ(plan.bound, rel.interval_bound);
    // The plan's goodput (what prices its GPU-hours and its failure-rate sensitivities) is the run's.
    EXPECT_NEAR(training_goodput(t, 1, 0), rel.goodput, 1e-12);
    EXPECT_NEAR(t.shape.goodput, rel.goodput, 1e-12);
    // More failures: a shorter interval and a lower goodput, still through the same functions.
    EXPECT_LT(training_goodput(t, 2, 0), rel.goodput);
  }
}

TEST(CheckpointStory, TheDurableFloorBindsWhereTheTierIsSlowInEveryCommand) {
  const std::string file = slow_tier_scenario();
  const workloads::ReliabilityResult rel = run(load_scenario_file(file)).reliability;
  EXPECT_EQ(rel.interval_bound, workloads::IntervalBound::durable);
  EXPECT_GE(rel.checkpoint_interval_s + rel.checkpoint_stall_s, rel.checkpoint_durable_s);
  const CapacityModel m = build_capacity(study_of(file));
  const TrainingCapacity& t = m.training.at({0, "h100-sxm5-80gb"});
  EXPECT_EQ(workloads::checkpoint_interval(t.checkpoint, 1 / t.failure_rate_per_s, t.step_time_s, 0).bound,
            workloads::IntervalBound::durable);
}

TEST(CheckpointStory, AFleetJobChecksAtTheIntervalOfCapsimRun) {
  for (const std::string& file : {kExample, slow_tier_scenario()}) {
    SCOPED_TRACE(file);
    const Scenario s = load_scenario_file(file);
    const sim::TrainingResult r = run(s);
    const workloads::ReliabilityResult& rel = r.reliability;
    const auto& job = std::get<workloads::TrainingJob>(s.workloads.at(0));
    const auto& p = job.parallelism;
    fleet::FleetSpec spec;
    spec.cluster = s.cluster;
    spec.shapes = {{"job", job, p.global_batch / (p.dp * p.micro_batch)}};
    spec.failure_rates = s.reliability.rates;
    spec.checkpoint_policy = s.storage.checkpoint;
    for (const auto& tier : s.storage.tiers) {
      if (tier.name == s.storage.checkpoint.tier) spec.checkpoint_tier = tier;
    }
    fleet::JobSpeed speed(spec);
    const fleet::ShapeCosts& c = speed.costs(0, r.gpus);
    EXPECT_NEAR(c.step_s, r.step_time_s, 1e-9 * r.step_time_s);
    EXPECT_NEAR(c.mtbf_s, rel.mtbf_s, 1e-9 * rel.mtbf_s);
    // The fleet reads no training data from the tier; the run's reads keep their share of it (8.5 MB/s: 0.4% of the
    // slow tier), which lengthens its write by that share and, where the durable floor binds, its interval by as
    // much plus the step it rounds up to.
    EXPECT_NEAR(c.checkpoint_stall_s, rel.checkpoint_cost_s, 1e-3 * rel.checkpoint_cost_s);
    const double slack = rel.interval_bound == workloads::IntervalBound::durable
                             ? 0.01 * rel.checkpoint_interval_s + r.step_time_s
                             : 1e-3 * rel.checkpoint_interval_s;
    EXPECT_NEAR(c.interval_s, rel.checkpoint_interval_s, slack);
  }
}

}  // namespace
}  // namespace capsim::planner::tco
