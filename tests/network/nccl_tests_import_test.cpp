#include "models/network/nccl_tests_import.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/hardware/gpu_catalog.hpp"
#include "models/network/nccl_collectives.hpp"
#include "sim/core/error.hpp"

namespace capsim::net {
namespace CAPSIM_UNITY_ID {

const std::string kSample = std::string(CAPSIM_TEST_FIXTURES) + "/nccl/h100-8gpu-all_reduce.format-sample.txt";

TEST(NcclTestsImport, ReadsTheTableDevicesAndOperation) {
  const NcclTestsLog log = read_nccl_tests(kSample);
  EXPECT_EQ(log.op, "all_reduce");
  EXPECT_EQ(log.ranks, 8);
  EXPECT_EQ(log.nodes, 1);
  EXPECT_EQ(log.device, "NVIDIA H100 80GB HBM3");
  ASSERT_EQ(log.rows.size(), 31u);
  const NcclTestsRow& last = log.rows.back();
  EXPECT_DOUBLE_EQ(last.bytes, 8589934592.0);
  EXPECT_EQ(last.count, 2147483648L);
  EXPECT_EQ(last.type, "float");
  EXPECT_EQ(last.redop, "sum");
  EXPECT_EQ(last.root, -1);
  EXPECT_NEAR(last.out_of_place.time_s, 31391.4e-6, 1e-9);
  EXPECT_NEAR(last.out_of_place.busbw_Bps, 478.87e9, 1e6);
  EXPECT_TRUE(last.in_place.valid);
  EXPECT_GT(log.avg_busbw_Bps, 0);
}

TEST(NcclTestsImport, ReadsOlderLayoutsAndMpirunPrefixes) {
  // nccl-tests before 2.13 had no root column; mpirun --tag-output prefixes every line.
  const std::string text =
      "[1,0]<stdout>:# nThread 1 nGpus 1 minBytes 8 maxBytes 134217728 step: 2(factor) warmup iters: 5 iters: 20\n"
      "[1,0]<stdout>:#   Rank  0 Pid  920 on      node1 device  0 [0x0e] NVIDIA A100-SXM4-80GB\n"
      "[1,0]<stdout>:#   Rank  1 Pid  921 on      node2 device  0 [0x0e] NVIDIA A100-SXM4-80GB\n"
      "[1,0]<stdout>:#       size         count    type   redop     time   algbw   busbw  error     time   algbw   busbw  error\n"
      "[1,0]<stdout>:     1048576        262144   float     sum    60.00   17.48   17.48  0e+00    61.00   17.19   17.19  0e+00\n"
      "[1,0]<stdout>:   134217728      33554432   float     sum   5600.0   23.97   23.97  0e+00   5610.0   23.92   23.92  0e+00\n";
  const NcclTestsLog log = parse_nccl_tests(text, "two-nodes.log", "all_reduce");
  EXPECT_EQ(log.ranks, 2);
  EXPECT_EQ(log.nodes, 2);
  ASSERT_EQ(log.rows.size(), 2u);
  EXPECT_NEAR(log.rows[1].in_place.time_s, 5610e-6, 1e-12);
  const hw::MeasuredCollective m = measured_curve(log);
  EXPECT_EQ(m.nodes, 2);
  EXPECT_NEAR(m.time_s[1], 5605e-6, 1e-12) << "mean of out-of-place and in-place";
}

TEST(NcclTestsImport, EveryProblemNamesTheFileAndLine) {
  const std::string text =
      "#  Rank  0 Group  0 Pid 1 on h device  0 [0x18] GPU\n"
      "        1024           256     float     sum      -1    abc    0.04    0.07      0    14.9    0.07    0.12      0\n";
  try {
    parse_nccl_tests(text, "bad.log");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    ASSERT_GE(e.diagnostics().size(), 2u);
    EXPECT_EQ(e.diagnostics()[0].file, "bad.log");
    EXPECT_EQ(e.diagnostics()[0].pointer, "line 2");
    bool said_which_collective = false;
    for (const auto& d : e.diagnostics()) said_which_collective |= d.message.find("which collective") != std::string::npos;
    EXPECT_TRUE(said_which_collective);
  }
  EXPECT_THROW(parse_nccl_tests("hello\n", "empty.log", "all_reduce"), InputError);
  EXPECT_THROW(read_nccl_tests("/no/such/file.log"), InputError);
}

TEST(NcclTestsImport, MeasuredCurveReplacesTheModelOnItsOwnShape) {
  auto c = hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), 1);
  c.scale_out.nccl_tests.push_back(measured_curve(read_nccl_tests(kSample)));
  const NcclCollectives model(c);
  const CommGroup node{8, 8, 8};
  const CollectiveEstimate at16 = model.estimate(CollectiveOp::all_reduce, 16777216, node);
  EXPECT_TRUE(at16.calibrated);
  EXPECT_NEAR(at16.time_s, 125.2e-6 * 1.005, 0.5e-6) << "mean of the two columns";
  // Between two measured sizes: linear in log(size) and log(time).
  const double t8 = model.time_s(CollectiveOp::all_reduce, 8388608, node);
  const double t16 = model.time_s(CollectiveOp::all_reduce, 16777216, node);
  const double t12 = model.time_s(CollectiveOp::all_reduce, 12582912, node);
  const double w = std::log(1.5) / std::log(2.0);
  EXPECT_NEAR(t12, std::exp(std::log(t8) + w * (std::log(t16) - std::log(t8))), 1e-9);
  // Another shape: the model, scaled by what the measurement says of it at the same bus traffic.
  const NcclCollectives plain(hw::default_cluster(*hw::GpuCatalog::builtin().find("h100-sxm5-80gb"), 1));
  const CommGroup four{4, 4, 4};
  const double bytes = 16777216 * 1.75 / 1.5;
  const double ratio = t16 / plain.time_s(CollectiveOp::all_reduce, 16777216, node);
  EXPECT_NEAR(model.time_s(CollectiveOp::all_reduce, bytes, four), ratio * plain.time_s(CollectiveOp::all_reduce, bytes, four),
              1e-9);
  // Other operations and tiers keep the model.
  EXPECT_FALSE(model.estimate(CollectiveOp::all_gather, 16777216, node).calibrated);
}

}  // namespace
}  // namespace capsim::net
