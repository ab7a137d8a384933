// Bounded DES work: a child past its memory or CPU budget is stopped and reported as such, and a layout estimated
// past the activity limit is refused before any child is forked.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "models/hardware/gpu_catalog.hpp"
#include "sim/core/error.hpp"
#include "sim/des/child_process.hpp"
#include "sim/des/des_engine.hpp"

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

std::string infeasible_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const InfeasibleError& e) {
    return e.what();
  }
  return "";
}

TEST(ChildBudget, AChildPastItsMemoryBudgetIsStoppedAndSaysSo) {
  des::ChildBudget budget;
  budget.memory_B = 2.0 * (1ull << 30);
  const std::string message = infeasible_message([&] {
    des::run_in_child_process(
        [] {
          std::vector<char> big(std::size_t{4} << 30, 1);  // 4 GiB, past the 2 GiB budget
          return std::to_string(big[12345]);
        },
        budget);
  });
  EXPECT_NE(message.find("stopped: over its 2.00 GiB memory budget"), std::string::npos) << message;
}

TEST(ChildBudget, AChildPastItsCpuBudgetIsStoppedAndSaysSo) {
  des::ChildBudget budget;
  budget.cpu_s = 1;
  const std::string message = infeasible_message([&] {
    des::run_in_child_process(
        [] {
          volatile double x = 0;
          for (;;) x = x + 1;
          return std::string();
        },
        budget);
  });
  EXPECT_NE(message.find("stopped: over its 1.00 s CPU-time budget"), std::string::npos) << message;
}

TEST(ChildBudget, DefaultBudgetIsAtMostEightGiB) {
  EXPECT_LE(des::default_child_budget().memory_B, 8.0 * (1ull << 30));
  EXPECT_GT(des::default_child_budget().memory_B, 0);
}

TEST(DesBounds, AHugeLayoutIsRefusedBeforeForking) {
  const hw::GpuSpec& gpu = *hw::GpuCatalog::builtin().find("h100-sxm5-80gb");
  const hw::ClusterSpec cluster = hw::default_cluster(gpu, 16384);
  workloads::TrainingJob job;
  job.name = "huge";
  job.model.layers = 32;
  job.model.hidden = 4096;
  job.model.ffn_hidden = 14336;
  job.model.heads = 32;
  job.model.kv_heads = 8;
  job.model.vocab = 128256;
  job.model.seq_len = 8192;
  job.parallelism.tp = 1;
  job.parallelism.pp = 8;
  job.parallelism.dp = 16384;
  job.parallelism.micro_batch = 1;
  job.parallelism.global_batch = 16384 * 64;
  const std::string message = infeasible_message([&] { DesEngine().run_training(cluster, job); });
  EXPECT_NE(message.find("ops and flows, above the 50.0M"), std::string::npos) << message;
}

}  // namespace
}  // namespace capsim::sim
