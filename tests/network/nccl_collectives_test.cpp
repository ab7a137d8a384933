#include "models/network/nccl_collectives.hpp"

#include <gtest/gtest.h>

#include "models/hardware/gpu_catalog.hpp"
#include "models/network/collective_table.hpp"

namespace capsim::net {
namespace CAPSIM_UNITY_ID {

constexpr double GB = 1e9;

hw::ClusterSpec cluster_of(const std::string& gpu, int nodes) {
  return hw::default_cluster(*hw::GpuCatalog::builtin().find(gpu), nodes);
}

/// nccl-tests busbw of all_reduce over every GPU of `nodes` default nodes.
double all_reduce_busbw(const hw::ClusterSpec& c, double bytes) {
  const NcclCollectives model(c);
  const int n = c.nodes * c.gpus_per_node;
  const CommGroup everyone{n, c.gpus_per_node, c.gpus_per_node};
  return bytes / model.time_s(CollectiveOp::all_reduce, bytes, everyone) * bus_factor(CollectiveOp::all_reduce, n);
}

// Bars: ../shared/reference/hardware.md (Azure AI-benchmarking-guide nccl-tests, NVLS on H100).
TEST(NcclCollectives, EightH100AllReduceMatchesNcclTests) {
  const auto c = cluster_of("h100-sxm5-80gb", 1);
  EXPECT_NEAR(all_reduce_busbw(c, 8589934592.0), 478.9 * GB, 0.10 * 478.9 * GB);
  EXPECT_NEAR(all_reduce_busbw(c, 1073741824.0), 466.4 * GB, 0.10 * 466.4 * GB);
  EXPECT_NEAR(all_reduce_busbw(c, 134217728.0), 400.6 * GB, 0.10 * 400.6 * GB);
  EXPECT_NEAR(all_reduce_busbw(c, 16777216.0), 234.5 * GB, 0.20 * 234.5 * GB);
}

TEST(NcclCollectives, EightA100AllReduceMatchesNcclTests) {
  EXPECT_NEAR(all_reduce_busbw(cluster_of("a100-sxm4-80gb", 1), 8589934592.0), 231.6 * GB, 0.10 * 231.6 * GB);
}

TEST(NcclCollectives, MultiNodeAllReduceRunsAtTheNicRate) {
  for (int nodes : {2, 4, 16}) {
    // NDR 400 Gb/s: 46-48 GB/s busbw per NIC (nccl-tests issues 267 and 290), 8 NICs per node.
    EXPECT_NEAR(all_reduce_busbw(cluster_of("h100-sxm5-80gb", nodes), 8589934592.0) / 8, 47 * GB, 0.05 * 47 * GB)
        << nodes << " nodes";
    // DGX A100, 8 x HDR 200 Gb/s: 192 GB/s (NCCL issue 812).
    EXPECT_NEAR(all_reduce_busbw(cluster_of("a100-sxm4-80gb", nodes), 8589934592.0), 192 * GB, 0.05 * 192 * GB)
        << nodes << " nodes";
  }
  // One GPU per node, one HDR NIC each: 24 GB/s (nccl-tests issue 119).
  const auto c = cluster_of("a100-sxm4-80gb", 4);
  const NcclCollectives model(c);
  const CommGroup one_per_node{4, 1, 8};
  const double t = model.time_s(CollectiveOp::all_reduce, 1073741824.0, one_per_node);
  EXPECT_NEAR(1073741824.0 / t * 1.5, 24 * GB, 0.05 * 24 * GB);
}

TEST(NcclCollectives, SmallMessagesAreLatencyBound) {
  const NcclCollectives model(cluster_of("h100-sxm5-80gb", 4));
  for (CommGroup g : {CommGroup{8, 8, 8}, CommGroup{32, 8, 8}}) {
    const double tiny = model.time_s(CollectiveOp::all_reduce, 8, g);
    EXPECT_GT(tiny, 5e-6);
    EXPECT_NEAR(model.time_s(CollectiveOp::all_reduce, 1024, g), tiny, 0.2 * tiny);
    const auto rows = collective_table(model, CollectiveOp::all_reduce, g, sweep_sizes(8, 8589934592.0, 2));
    ASSERT_EQ(rows.size(), 31u);
    for (std::size_t i = 1; i < rows.size(); ++i) {
      EXPECT_GE(rows[i].busbw_Bps, rows[i - 1].busbw_Bps * 0.999) << "busbw never drops as messages grow, at "
                                                                  << rows[i].bytes;
      EXPECT_GT(rows[i].time_s, rows[i - 1].time_s * 0.999);
    }
  }
}

TEST(NcclCollectives, PicksLowLatencyProtocolsForSmallAndNvlsForLargeMessages) {
  const NcclCollectives model(cluster_of("h100-sxm5-80gb", 1));
  const CommGroup node{8, 8, 8};
  EXPECT_EQ(model.estimate(CollectiveOp::all_reduce, 4096, node).protocol, CollectiveProtocol::ll);
  EXPECT_EQ(model.estimate(CollectiveOp::all_reduce, 1e9, node).algorithm, CollectiveAlgorithm::nvls);
  EXPECT_EQ(model.estimate(CollectiveOp::all_gather, 1e9, node).algorithm, CollectiveAlgorithm::ring)
      << "NVLS only speeds all-reduce here";
  const NcclCollectives a100(cluster_of("a100-sxm4-80gb", 1));
  EXPECT_EQ(a100.estimate(CollectiveOp::all_reduce, 1e9, node).algorithm, CollectiveAlgorithm::ring);
}

TEST(NcclCollectives, TreesWinMidSizesOnManyNodes) {
  const NcclCollectives model(cluster_of("h100-sxm5-80gb", 64));
  const CommGroup all{512, 8, 8};
  EXPECT_EQ(model.estimate(CollectiveOp::all_reduce, 16e6, all).algorithm, CollectiveAlgorithm::tree);
  EXPECT_EQ(model.estimate(CollectiveOp::all_reduce, 16e9, all).algorithm, CollectiveAlgorithm::ring);
}

TEST(NcclCollectives, OperationsKeepTheirRelativeCost) {
  const NcclCollectives model(cluster_of("h100-sxm5-80gb", 8));
  const CommGroup dp{64, 8, 8};
  const double bytes = 1e9;
  const double ar = model.time_s(CollectiveOp::all_reduce, bytes, dp);
  const double rs = model.time_s(CollectiveOp::reduce_scatter, bytes, dp);
  const double ag = model.time_s(CollectiveOp::all_gather, bytes, dp);
  EXPECT_NEAR(ar, rs + ag, 0.1 * ar) << "a ring all-reduce is a reduce-scatter and an all-gather";
  EXPECT_GT(model.time_s(CollectiveOp::all_to_all, bytes, dp), ag) << "all-to-all cannot aggregate the NICs";
  EXPECT_DOUBLE_EQ(model.time_s(CollectiveOp::all_reduce, bytes, CommGroup{1, 1, 1}), 0.0);
  // A send across nodes runs at one NIC's rate.
  const double send = model.time_s(CollectiveOp::send_recv, bytes, CommGroup{2, 1, 8});
  EXPECT_NEAR(bytes / send, 47 * GB, 0.05 * 47 * GB);
}

TEST(NcclCollectives, OversubscriptionSlowsAllToAllAcrossLeavesButNotRings) {
  auto c = cluster_of("h100-sxm5-80gb", 64);
  const CommGroup ep{512, 8, 8};
  const double full_a2a = NcclCollectives(c).time_s(CollectiveOp::all_to_all, 1e9, ep);
  const double full_ring = NcclCollectives(c).time_s(CollectiveOp::all_gather, 1e9, ep);
  c.scale_out.oversubscription = 2;
  const double a2a = NcclCollectives(c).time_s(CollectiveOp::all_to_all, 1e9, ep);
  EXPECT_NEAR(a2a / full_a2a, 2 * (64 - 5.25) / 64, 0.1) << "nearly all traffic leaves a leaf of 5 nodes";
  EXPECT_DOUBLE_EQ(NcclCollectives(c).time_s(CollectiveOp::all_gather, 1e9, ep), full_ring);
}

TEST(NcclCollectives, SharpRaisesMultiNodeAllReduce) {
  auto c = cluster_of("h100-sxm5-80gb", 16);
  const double ring = all_reduce_busbw(c, 8589934592.0);
  c.scale_out.in_network_reduction = true;
  const double sharp = all_reduce_busbw(c, 8589934592.0);
  EXPECT_GT(sharp, 1.3 * ring);
  EXPECT_EQ(NcclCollectives(c).estimate(CollectiveOp::all_reduce, 8589934592.0, CommGroup{128, 8, 8}).algorithm,
            CollectiveAlgorithm::sharp);
}

TEST(NcclCollectives, Nvl72DomainKeepsTensorParallelTrafficOnNvlink) {
  auto c = cluster_of("b200-sxm-180gb", 36);
  c.gpus_per_node = 4;
  c.scale_up.domain_gpus = 72;
  const NcclCollectives model(c);
  EXPECT_EQ(model.domain_gpus(), 72);
  // 16 GPUs on four trays: still one NVLink domain.
  EXPECT_EQ(model.estimate(CollectiveOp::all_reduce, 1e8, CommGroup{16, 4, 4}).domains, 1);
  EXPECT_EQ(model.estimate(CollectiveOp::all_reduce, 1e8, CommGroup{144, 4, 4}).domains, 2);
}

}  // namespace
}  // namespace capsim::net
