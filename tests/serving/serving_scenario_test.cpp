// The serving keys of an inference workload: each is read into the job, and each bad value is reported with the
// file, its JSON pointer and a hint.
#include <gtest/gtest.h>

#include "planner/scenario.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;
using workloads::InferenceJob;

const std::string kFile = std::string(CAPSIM_TEST_FIXTURES) + "/scenarios/serving.json";

json base() {
  return json::parse(R"({
    "schema": "capsim/scenario/v1", "name": "chat",
    "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 2},
    "workloads": [{"name": "chat", "kind": "inference", "model": {"preset": "llama3-8b"}, "replicas": 4,
                   "load": {"mode": "poisson", "rate": "20/s", "duration": "10 min"},
                   "input_tokens": 1000, "output_tokens": 200}]
  })");
}

/// The scenario's inference job (a copy: the scenario is a temporary).
InferenceJob job_of(const Scenario& s) { return std::get<InferenceJob>(s.workloads.front()); }

std::vector<Diagnostic> problems(const json& doc) {
  try {
    load_scenario(doc, kFile);
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

const Diagnostic* at(const std::vector<Diagnostic>& ds, const std::string& pointer) {
  for (const auto& d : ds) {
    if (d.pointer == pointer) return &d;
  }
  return nullptr;
}

TEST(ServingScenario, ReadsEveryServingKey) {
  json doc = base();
  auto& w = doc["workloads"][0];
  w["precision"] = "fp8";
  w["weight_precision"] = "int4";
  w["kv_cache_precision"] = "fp8";
  w["load"] = {{"mode", "gamma"},
               {"rate_curve", {{"interval", "1 h"}, {"rates", {"5/s", "10/s"}}}},
               {"burstiness", 2.5},
               {"duration", "2 h"}};
  w["input_tokens"] = {{"distribution", "lognormal"}, {"mean", 800}, {"sigma", 0.9}, {"max", 16000}};
  w["output_tokens"] = {{"distribution", "uniform"}, {"min", 100}, {"max", 300}};
  w["serving"] = {{"max_num_seqs", 256}, {"max_batched_tokens", 4096},     {"chunked_prefill", false},
                  {"block_tokens", 32},  {"gpu_memory_utilization", 0.85}, {"kv_admission", "reserve"}};
  w["slo"] = {{"ttft_p99", "3 s"}, {"tpot_p90", "50 ms"}};
  w["router"] = "least-outstanding";
  w["disaggregation"] = {{"prefill_replicas", 1}};
  w["report_interval"] = "5 min";
  const InferenceJob job = job_of(load_scenario(doc, kFile));
  EXPECT_EQ(job.weight_precision, hw::Precision::int4);
  EXPECT_EQ(job.kv_precision, hw::Precision::fp8);
  EXPECT_EQ(job.load.mode, workloads::LoadMode::gamma);
  EXPECT_EQ(job.load.rate_curve.rates_per_s, (std::vector<double>{5, 10}));
  EXPECT_DOUBLE_EQ(job.load.rate_curve.interval_s, 3600);
  EXPECT_DOUBLE_EQ(job.load.burstiness, 2.5);
  EXPECT_EQ(job.input_lengths.kind, workloads::LengthKind::lognormal);
  EXPECT_EQ(job.input_lengths.max, 16000);
  EXPECT_EQ(job.input_tokens, 800);
  EXPECT_EQ(job.output_tokens, 200);  // the uniform's mean
  EXPECT_EQ(job.serving.max_num_seqs, 256);
  EXPECT_FALSE(job.serving.chunked_prefill);
  EXPECT_EQ(job.serving.admission, workloads::KvAdmission::reserve);
  EXPECT_DOUBLE_EQ(job.slo.ttft_s, 3);
  EXPECT_EQ(job.slo.ttft_percentile, 99);
  EXPECT_DOUBLE_EQ(job.slo.tpot_s, 0.05);
  EXPECT_EQ(job.slo.tpot_percentile, 90);
  EXPECT_EQ(job.router, workloads::RouterPolicy::least_outstanding);
  EXPECT_EQ(job.prefill_replicas, 1);
  EXPECT_DOUBLE_EQ(job.report_interval_s, 300);
}

TEST(ServingScenario, DefaultsFollowVllm) {
  const InferenceJob job = job_of(load_scenario(base(), kFile));
  EXPECT_EQ(job.serving.max_num_seqs, 1024);
  EXPECT_EQ(job.serving.max_batched_tokens, 8192);
  EXPECT_TRUE(job.serving.chunked_prefill);
  EXPECT_EQ(job.serving.block_tokens, 16);
  EXPECT_DOUBLE_EQ(job.serving.gpu_memory_utilization, 0.9);
  EXPECT_EQ(job.serving.admission, workloads::KvAdmission::on_demand);
  EXPECT_EQ(job.kv_precision, hw::Precision::bf16);
  EXPECT_EQ(job.input_lengths.kind, workloads::LengthKind::fixed);
  EXPECT_TRUE(job.slo.empty());
}

TEST(ServingScenario, ReplaysATraceNamedRelativeToTheScenario) {
  json doc = base();
  doc["workloads"][0]["load"] = {{"mode", "trace"}, {"trace", "../traces/synthetic_chat.csv"}};
  doc["workloads"][0].erase("input_tokens");
  doc["workloads"][0].erase("output_tokens");
  const InferenceJob job = job_of(load_scenario(doc, kFile));
  ASSERT_EQ(job.load.trace.size(), 300u);
  EXPECT_EQ(job.input_lengths.kind, workloads::LengthKind::trace);
  EXPECT_NEAR(job.input_tokens, 807, 1);
  EXPECT_NEAR(job.output_tokens, 208, 1);
}

TEST(ServingScenario, TheFixtureWithEveryKeyLoads) {
  const Scenario s = load_scenario_file(std::string(CAPSIM_TEST_FIXTURES) + "/scenarios/inference_serving.json");
  const InferenceJob job = job_of(s);
  EXPECT_EQ(job.load.trace.size(), 300u);
  EXPECT_EQ(job.input_lengths.max, 4000);
  EXPECT_EQ(job.prefill_replicas, 1);
}

TEST(ServingScenario, EveryBadKeyNamesItsPointerAndAHint) {
  json doc = base();
  auto& w = doc["workloads"][0];
  w["load"] = {{"mode", "gamma"}, {"rate", "20/s"}, {"users", 5}, {"trace", "missing.csv"}};
  w["input_tokens"] = {{"distribution", "uniform"}, {"min", 500}, {"max", 100}};
  w["output_tokens"] = {{"distribution", "lognormal"}, {"mean", 100}};
  w["serving"] = {{"max_num_seqs", 0}, {"gpu_memory_utilization", 1.5}, {"kv_admission", "greedy"}, {"blok", 1}};
  w["slo"] = {{"ttft_p90", "2 s"}, {"ttft_p99", "4 s"}};
  w["router"] = "random";
  w["disaggregation"] = {{"prefill_replicas", 4}};
  w["weight_precision"] = "int3";
  const auto ds = problems(doc);
  for (const char* pointer :
       {"/workloads/0/load", "/workloads/0/load/users", "/workloads/0/load/trace", "/workloads/0/input_tokens/min",
        "/workloads/0/output_tokens", "/workloads/0/serving/max_num_seqs",
        "/workloads/0/serving/gpu_memory_utilization", "/workloads/0/serving/kv_admission", "/workloads/0/serving/blok",
        "/workloads/0/slo/ttft_p99", "/workloads/0/router", "/workloads/0/disaggregation/prefill_replicas",
        "/workloads/0/weight_precision"}) {
    const Diagnostic* d = at(ds, pointer);
    ASSERT_NE(d, nullptr) << "no problem reported at " << pointer;
    EXPECT_EQ(d->file, kFile) << pointer;
    EXPECT_FALSE(d->hint.empty()) << pointer << ": " << d->message;
  }
  EXPECT_NE(at(ds, "/workloads/0/load")->message.find("\"burstiness\" is missing"), std::string::npos);
  EXPECT_NE(at(ds, "/workloads/0/load/users")->message.find("applies only to mode \"concurrency\""), std::string::npos);
  EXPECT_NE(at(ds, "/workloads/0/output_tokens")->message.find("\"sigma\""), std::string::npos);
}

TEST(ServingScenario, TrainingWorkloadsRejectServingKeys) {
  json doc = json::parse(R"({
    "schema": "capsim/scenario/v1", "name": "t", "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 1},
    "workloads": [{"name": "t", "kind": "training", "model": {"preset": "llama3-8b"},
                   "parallelism": {"global_batch": 8}, "tokens": "1B", "slo": {"ttft_p90": "1 s"}}]
  })");
  const auto ds = problems(doc);
  ASSERT_NE(at(ds, "/workloads/0/slo"), nullptr);
  EXPECT_NE(at(ds, "/workloads/0/slo")->message.find("does not apply to a training workload"), std::string::npos);
}

}  // namespace
}  // namespace capsim::planner
