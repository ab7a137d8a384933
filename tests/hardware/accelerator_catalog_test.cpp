// The accelerators beyond the five design GPUs (issue 16, section 1): TPU v5p and v6e, Trainium2, Gaudi 3, GB200,
// B300, MI325X and MI355X load from the built-in catalog with a source on every figure, and a precision a chip lacks
// is refused with a message naming the chip and the precisions it has.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/hardware/gpu_catalog.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"

namespace capsim::hw {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

const std::vector<std::string> kNewIds = {"tpu-v5p", "tpu-v6e", "trn2", "gaudi3", "gb200", "b300", "mi325x", "mi355x"};

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(AcceleratorCatalog, EveryNewIdLoadsWithABf16Peak) {
  for (const auto& id : kNewIds) {
    SCOPED_TRACE(id);
    const GpuSpec* chip = GpuCatalog::builtin().find(id);
    ASSERT_NE(chip, nullptr);
    EXPECT_EQ(chip->id, id);
    EXPECT_FALSE(chip->name.empty());
    EXPECT_GT(chip->peak(Precision::bf16), 400e12);
    EXPECT_GT(chip->hbm_bytes, 30e9);
    EXPECT_GT(chip->hbm_achieved_Bps, 0);
    EXPECT_LE(chip->hbm_achieved_Bps, chip->hbm_bw_Bps);
    EXPECT_GT(chip->tdp_W, chip->idle_W);
    EXPECT_GT(chip->idle_W, 0);
    EXPECT_GT(chip->scale_up.bw_Bps, 0);
    EXPECT_GT(chip->node.nic_bw_Bps, 0);
    EXPECT_GE(chip->scale_up.domain_gpus, chip->node.gpus_per_node);
  }
}

// A source on every figure of every new entry: GpuCatalog.EveryFieldOfEveryBuiltinGpuHasASource covers all ids.
TEST(AcceleratorCatalog, EveryNewEntryGivesAGemmEfficiency) {
  for (const auto& id : kNewIds) {
    const GpuSpec& chip = *GpuCatalog::builtin().find(id);
    ASSERT_TRUE(chip.max_gemm_efficiency.count(Precision::bf16)) << id << " has no bf16 GEMM efficiency";
    EXPECT_GT(chip.sources.at("max_gemm_efficiency.bf16").size(), 8u) << id;
  }
}

TEST(AcceleratorCatalog, EstimatesSayTheyAreEstimates) {
  // No vendor publishes TPU power or a TPU matmul search: those figures must be labelled.
  for (const auto& id : {"tpu-v5p", "tpu-v6e"}) {
    const GpuSpec& tpu = *GpuCatalog::builtin().find(id);
    EXPECT_TRUE(mentions(tpu.sources.at("tdp_W"), "estimate")) << id;
    EXPECT_TRUE(mentions(tpu.sources.at("max_gemm_efficiency.bf16"), "estimate")) << id;
    EXPECT_TRUE(mentions(tpu.sources.at("sm_count"), "estimate")) << id;
  }
}

TEST(AcceleratorCatalog, PrecisionsFollowTheReference) {
  const auto& c = GpuCatalog::builtin();
  EXPECT_DOUBLE_EQ(c.find("tpu-v5p")->peak(Precision::bf16), 459e12);
  EXPECT_DOUBLE_EQ(c.find("tpu-v5p")->peak(Precision::int8), 918e12);
  EXPECT_FALSE(c.find("tpu-v5p")->supports(Precision::fp8));  // FP8 runs at the BF16 rate: no fp8 math mode
  EXPECT_FALSE(c.find("tpu-v6e")->supports(Precision::fp8));
  EXPECT_DOUBLE_EQ(c.find("trn2")->peak(Precision::fp8), 1299e12);
  EXPECT_DOUBLE_EQ(c.find("gaudi3")->peak(Precision::fp8), c.find("gaudi3")->peak(Precision::bf16));
  EXPECT_FALSE(c.find("gaudi3")->supports(Precision::fp4));
  EXPECT_DOUBLE_EQ(c.find("gb200")->peak(Precision::fp4), 10000e12);
  EXPECT_DOUBLE_EQ(c.find("b300")->peak(Precision::fp4), 15000e12);
  EXPECT_DOUBLE_EQ(c.find("mi355x")->peak(Precision::fp4), 10100e12);
  EXPECT_FALSE(c.find("mi325x")->supports(Precision::fp4));
}

TEST(AcceleratorCatalog, Gb200IsOneSeventyTwoGpuNvlinkDomainOfFourGpuTrays) {
  const GpuSpec& gb = *GpuCatalog::builtin().find("gb200");
  EXPECT_EQ(gb.scale_up.domain_gpus, 72);
  EXPECT_EQ(gb.node.gpus_per_node, 4);
  EXPECT_EQ(gb.scale_up.kind, ScaleUpKind::switched);
  EXPECT_TRUE(gb.scale_up.in_network_reduction);
  EXPECT_DOUBLE_EQ(gb.scale_up.bw_Bps, 900e9);
}

TEST(AcceleratorCatalog, Gaudi3ScalesUpOverADirectMesh) {
  const GpuSpec& g = *GpuCatalog::builtin().find("gaudi3");
  EXPECT_EQ(g.scale_up.kind, ScaleUpKind::mesh);
  EXPECT_DOUBLE_EQ(g.scale_up.bw_Bps, 525e9);
  EXPECT_FALSE(g.scale_up.in_network_reduction);
}

TEST(AcceleratorCatalog, MissingPrecisionNamesTheChipAndItsPrecisions) {
  try {
    GpuCatalog::builtin().find("tpu-v5p")->peak(Precision::fp8);
    FAIL() << "expected InfeasibleError";
  } catch (const InfeasibleError& e) {
    const std::string what = e.what();
    EXPECT_TRUE(mentions(what, "tpu-v5p has no fp8 math mode")) << what;
    EXPECT_TRUE(mentions(what, "bf16, int8")) << what;
  }
}

TEST(AcceleratorCatalog, ScenarioRefusesFp8OnTpuV5pAndListsItsPrecisions) {
  const json doc = {{"schema", "capsim/scenario/v1"},
                    {"name", "fp8-v5p"},
                    {"cluster", {{"gpu", "tpu-v5p"}, {"nodes", 8}}},
                    {"workloads", json::array({{{"name", "pretrain"},
                                                {"kind", "training"},
                                                {"model", {{"preset", "llama3-8b"}}},
                                                {"parallelism", {{"tp", 4}, {"dp", 8}, {"global_batch", 512}}},
                                                {"precision", "fp8"}}})}};
  std::vector<Diagnostic> ds;
  try {
    planner::load_scenario(doc, "scenario.json");
  } catch (const InputError& e) {
    ds = e.diagnostics();
  }
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "/workloads/0/precision");
  EXPECT_EQ(ds[0].message, "the tpu-v5p has no fp8 math");
  EXPECT_TRUE(mentions(ds[0].hint, "bf16")) << ds[0].hint;
  EXPECT_TRUE(mentions(ds[0].hint, "int8")) << ds[0].hint;
}

}  // namespace
}  // namespace capsim::hw
