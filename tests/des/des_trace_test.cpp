// The DES trace and the DES step tell one story: the trace ends where the step does, the gradient reduction runs
// beside the last backward pass as the step counts it, the overlapped parameter gather sits beside the first forward
// pass, and a straggler lengthens the bubble rather than showing up as pipeline communication.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/hardware/gpu_catalog.hpp"
#include "models/workloads/model_catalog.hpp"
#include "sim/des/child_process.hpp"
#include "sim/des/des_training.hpp"

namespace capsim::sim::des {
namespace CAPSIM_UNITY_ID {

/// Llama 3 70B, TP8 PP2 DP2, ZeRO 1, on 4 DGX H100 nodes: the newcomer's 32-GPU DES case.
workloads::TrainingJob job_70b() {
  workloads::TrainingJob j;
  j.name = "pretrain";
  j.model = *workloads::ModelCatalog::builtin().find("llama3-70b");
  auto& p = j.parallelism;
  p.tp = 8;
  p.pp = 2;
  p.dp = 2;
  p.global_batch = 16;
  p.sequence_parallel = true;
  p.recompute = workloads::Recompute::selective;
  p.zero = 1;
  return j;
}

hw::ClusterSpec cluster() {
  auto c = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), 4);
  c.scale_out.oversubscription = 2.0;
  return c;
}

struct Traced {
  DesJobResult job;
  nlohmann::json events;
};

Traced run(const workloads::TrainingJob& job, const std::vector<double>& slowdown = {}) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("capsim-des-trace-" + std::to_string(::getpid()) + ".json")).string();
  const std::string out = run_in_child_process([&] {
    DesOptions options;
    options.trace_path = path;
    options.slowdown = slowdown;
    const DesJobResult r = simulate_training_steps(cluster(), {job}, options).jobs.front();
    std::ostringstream s;
    s.precision(17);
    s << r.step_time_s << ' ' << r.bubble_s << ' ' << r.pp_comm_s << ' ' << r.dp_comm_s << ' ' << r.param_gather_s
      << ' ' << r.busy_s;
    return s.str();
  });
  Traced t;
  std::istringstream(out) >> t.job.step_time_s >> t.job.bubble_s >> t.job.pp_comm_s >> t.job.dp_comm_s >>
      t.job.param_gather_s >> t.job.busy_s;
  std::ifstream in(path);
  t.events = nlohmann::json::parse(in)["traceEvents"];
  std::filesystem::remove(path);
  return t;
}

double end_of(const nlohmann::json& e) { return (e["ts"].get<double>() + e["dur"].get<double>()) / 1e6; }
double start_of(const nlohmann::json& e) { return e["ts"].get<double>() / 1e6; }

TEST(DesTrace, EndsWhereTheStepEnds) {
  const Traced t = run(job_70b());
  double last = 0;
  double reduce_start = -1, reduce_end = -1, gather_start = -1, gather_end = -1, last_backward_end = 0;
  for (const auto& e : t.events) {
    if (!e.contains("dur")) continue;
    last = std::max(last, end_of(e));
    const std::string name = e["name"];
    const int tid = e["tid"];
    if (tid == 1 && name == "gradient reduce") reduce_start = start_of(e), reduce_end = end_of(e);
    if (tid == 1 && name == "parameter gather") gather_start = start_of(e), gather_end = end_of(e);
    if (tid == 0 && name[0] == 'B') last_backward_end = std::max(last_backward_end, end_of(e));
  }
  ASSERT_GT(t.job.step_time_s, 1.0);
  EXPECT_NEAR(last, t.job.step_time_s, 1e-6 * t.job.step_time_s);
  // Stage 0's reduction starts inside its last backward pass and, hidden there, exposes nothing.
  ASSERT_GT(reduce_start, 0);
  EXPECT_LT(reduce_start, last_backward_end);
  EXPECT_LE(reduce_end, last_backward_end);
  EXPECT_NEAR(t.job.dp_comm_s, 0.0, 1e-9);
  // The gather of the parameters the last step updated runs beside the first forward pass.
  EXPECT_NEAR(gather_start, 0.0, 1e-12);
  EXPECT_GT(gather_end, 0.0);
  std::printf("step %.6f s, trace end %.6f s; stage 0 reduce %.4f-%.4f s, last backward ends %.4f s\n",
              t.job.step_time_s, last, reduce_start, reduce_end, last_backward_end);
}

TEST(DesTrace, AStragglerLengthensTheBubbleNotPipelineCommunication) {
  const Traced clean = run(job_70b());
  // GPU 17: stage 1 of replica 0 (ranks are ordered TP, then DP, then PP: 0-7 and 8-15 are stage 0).
  std::vector<double> slowdown(32, 1.0);
  slowdown[17] = 1.3;
  const Traced slow = run(job_70b(), slowdown);
  EXPECT_GT(slow.job.step_time_s, clean.job.step_time_s * 1.05);
  // The stage beside the straggler idles for it: schedule, not fabric.
  EXPECT_GE(slow.job.bubble_s, clean.job.bubble_s * 0.9);
  EXPECT_LT(slow.job.pp_comm_s, 0.01 * slow.job.step_time_s);
  std::printf("clean: bubble %.4f pp %.4f; straggler: bubble %.4f pp %.4f (step %.4f -> %.4f s)\n", clean.job.bubble_s,
              clean.job.pp_comm_s, slow.job.bubble_s, slow.job.pp_comm_s, clean.job.step_time_s,
              slow.job.step_time_s);
}

TEST(DesTrace, ShardedGradientsReduceEveryMicroBatchOneAfterAnother) {
  // ZeRO 2 cannot accumulate gradients locally: each micro-batch's are reduce-scattered beside its backward pass,
  // one reduction after another on NCCL's stream.
  workloads::TrainingJob job = job_70b();
  job.parallelism.zero = 2;
  const Traced t = run(job);
  std::vector<std::pair<double, double>> reduces;
  double last = 0;
  for (const auto& e : t.events) {
    if (!e.contains("dur")) continue;
    last = std::max(last, end_of(e));
    if (e["tid"] == 1 && e["name"] == "gradient reduce") reduces.emplace_back(start_of(e), end_of(e));
  }
  std::sort(reduces.begin(), reduces.end());
  ASSERT_EQ(reduces.size(), 8u);  // global batch 16 over DP 2: 8 micro-batches
  for (size_t i = 1; i < reduces.size(); ++i) EXPECT_GE(reduces[i].first, reduces[i - 1].second);
  EXPECT_NEAR(last, t.job.step_time_s, 1e-6 * t.job.step_time_s);
}

}  // namespace
}  // namespace capsim::sim::des
