// Scale-up domains larger than a node in the DES: traffic inside a TPU slice's ICI torus, a GB200 NVL72 rack or a
// Trn2 UltraServer is costed by the scale-up model (the torus collectives, NVLink), as the analytical engine costs
// it, and only traffic between domains crosses the data-centre fabric. Both engines then agree.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "planner/scenario.hpp"
#include "sim/analytical/analytical_engine.hpp"
#include "sim/des/des_engine.hpp"

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

struct Both {
  double analytical = 0;
  double des = 0;
};

Both run_example(const std::string& name) {
  const auto scenario =
      planner::load_scenario_file(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/examples/" + name + ".json");
  const auto& job = std::get<workloads::TrainingJob>(scenario.workloads.front());
  return {AnalyticalEngine().run_training(scenario.cluster, job).step_time_s,
          DesEngine().run_training(scenario.cluster, job).step_time_s};
}

TEST(ScaleUpDomainDes, TpuV5pSliceTrainsLlama3_70bOnItsTorusInBothEngines) {
  // 512 chips, one 8x8x8 ICI torus: the FSDP gathers and reductions never touch the data-centre network.
  const Both t = run_example("tpu-v5p-llama3-70b");
  ASSERT_GT(t.analytical, 0);
  EXPECT_NEAR(t.des / t.analytical, 1.0, 0.05);
  std::printf("tpu-v5p 70B: analytical %.3f s, des %.3f s\n", t.analytical, t.des);
}

TEST(ScaleUpDomainDes, Gb200Nvl72AndTrn2UltraServerAgreeWithTheAnalyticalEngine) {
  for (const char* name : {"gb200-nvl72-llama3-405b", "trn2-llama3-70b"}) {
    const Both t = run_example(name);
    ASSERT_GT(t.analytical, 0) << name;
    EXPECT_NEAR(t.des / t.analytical, 1.0, 0.05) << name;
    std::printf("%s: analytical %.3f s, des %.3f s\n", name, t.analytical, t.des);
  }
}

}  // namespace
}  // namespace capsim::sim
