// Issue 16: a GB200 NVL72 rack is one 72-GPU NVLink domain across 18 four-GPU trays, so tensor parallelism of 16 to
// 64 GPUs runs on NVLink (NVLS all-reduce included) and never on the InfiniBand fabric, unlike TP across HGX boards.
#include <gtest/gtest.h>

#include "models/network/nccl_collectives.hpp"
#include "sim/analytical/analytical_engine.hpp"
#include "tests/analytical/test_cluster.hpp"

namespace capsim::sim {
namespace CAPSIM_UNITY_ID {

double tp_comm_s(const TrainingResult& r) {
  for (const auto& [k, v] : r.breakdown_s) {
    if (k == "tp_comm") return v;
  }
  return 0;
}

TEST(Nvl72Domain, TensorParallelismAcrossTraysStaysInOneNvlinkDomain) {
  const hw::ClusterSpec rack = test::catalog_cluster("gb200", 18);  // 18 trays of 4 GB200: one NVL72
  const hw::ClusterSpec boards = test::catalog_cluster("b200-sxm-180gb", 8);
  const net::NcclCollectives on_rack(rack);
  const net::NcclCollectives on_boards(boards);
  for (const int tp : {16, 32, 64}) {
    const net::CollectiveEstimate e = on_rack.estimate(net::CollectiveOp::all_gather, 64e6, {tp, 4, 4});
    EXPECT_EQ(e.domains, 1) << tp;
    EXPECT_EQ(on_boards.estimate(net::CollectiveOp::all_gather, 64e6, {tp, 8, 8}).domains, tp / 8) << tp;
    EXPECT_EQ(on_rack.estimate(net::CollectiveOp::all_reduce, 1e9, {tp, 4, 4}).algorithm,
              net::CollectiveAlgorithm::nvls)
        << tp;

    auto job = test::gpt_job(32, 8192, 64, tp, 1, 1, 8);
    job.parallelism.sequence_parallel = true;
    const TrainingResult r = AnalyticalEngine().run_training(rack, job);
    const TrainingResult b = AnalyticalEngine().run_training(boards, job);
    EXPECT_GT(tp_comm_s(r), 0) << tp;
    EXPECT_LT(tp_comm_s(r), tp_comm_s(b)) << tp;  // NVLink at 900 GB/s against 8 x 400 Gb/s per board
  }
}

}  // namespace
}  // namespace capsim::sim
