#include "models/hardware/calibration_profile.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "models/hardware/gemm_model.hpp"
#include "models/hardware/gpu_catalog.hpp"
#include "planner/run.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"

namespace capsim::hw {
namespace {

namespace fs = std::filesystem;
const GpuSpec& h100() { return *GpuCatalog::builtin().find("h100-sxm5-80gb"); }

/// An H100 profile whose BF16 cap is `cap` (a test value, not a measurement).
CalibrationProfile profile(double cap) {
  CalibrationProfile p;
  p.gpu = "h100-sxm5-80gb";
  p.file = "h100.json";
  p.provenance.device = "NVIDIA H100 80GB HBM3";
  p.provenance.timestamp = "2025-03-04T05:06:07Z";
  p.provenance.synthetic = true;
  p.gemm[Precision::bf16] = {cap, 300, 3e-6, cap, 20, 0.01, 0.02, 700};
  p.hbm_triad_Bps = 2.9e12;
  p.collectives.push_back({"all_reduce", 8, 1, {1e6, 1e9}, {2e-5, 3e-3}, "ar.log"});
  return p;
}

TEST(CalibrationProfile, RoundTripsThroughJson) {
  const CalibrationProfile a = profile(0.7);
  const CalibrationProfile b = profile_from_json(to_json(a), "p.json");
  EXPECT_EQ(b.gpu, a.gpu);
  EXPECT_EQ(b.provenance.device, a.provenance.device);
  EXPECT_TRUE(b.provenance.synthetic);
  EXPECT_DOUBLE_EQ(b.gemm.at(Precision::bf16).half_k, 300);
  EXPECT_DOUBLE_EQ(b.hbm_achieved_Bps(), 2.9e12);
  ASSERT_EQ(b.collectives.size(), 1u);
  EXPECT_DOUBLE_EQ(b.collectives[0].time_s[1], 3e-3);
}

TEST(CalibrationProfile, ReportsEveryProblemWithItsPointer) {
  nlohmann::json doc = to_json(profile(0.7));
  doc["gemm"]["bf16"]["cap"] = 1.5;
  doc["gemm"]["fp9"] = {{"cap", 0.5}, {"half_k", 1}};
  doc["provenance"].erase("timestamp");
  try {
    profile_from_json(doc, "p.json");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    std::vector<std::string> pointers;
    for (const auto& d : e.diagnostics()) pointers.push_back(d.pointer);
    EXPECT_EQ(pointers, (std::vector<std::string>{"/provenance/timestamp", "/gemm/bf16/cap", "/gemm/fp9"}));
  }
}

TEST(CalibrationProfile, RefusesAnotherGpuTypeNamingBoth) {
  GpuSpec a100 = *GpuCatalog::builtin().find("a100-sxm4-80gb");
  try {
    apply_profile(a100, profile(0.7));
    FAIL() << "expected InfeasibleError";
  } catch (const InfeasibleError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("h100-sxm5-80gb"), std::string::npos);
    EXPECT_NE(what.find("a100-sxm4-80gb"), std::string::npos);
  }
}

TEST(CalibrationProfile, ApplyingALowerCapSlowsAGemmAndRecordsTheSource) {
  GpuSpec gpu = h100();
  apply_profile(gpu, profile(0.5 * h100().gemm_efficiency_cap(Precision::bf16)));
  const GemmShape big{8192, 8192, 8192};
  EXPECT_GT(GemmModel(gpu).gemm_time_s(big, Precision::bf16, 2),
            1.9 * (GemmModel(h100()).gemm_time_s(big, Precision::bf16, 2) - h100().kernel_overhead_s));
  EXPECT_DOUBLE_EQ(gpu.hbm_achieved_Bps, 2.9e12);
  EXPECT_EQ(gpu.sources.at("max_gemm_efficiency.bf16"),
            "calibration profile h100.json (NVIDIA H100 80GB HBM3, 2025-03-04)");
}

/// The default scenario with `cluster.calibration` naming `profile_name`, written next to it.
planner::Scenario calibrated_scenario(const std::string& gpu_id, const CalibrationProfile* p) {
  const fs::path dir = fs::temp_directory_path() / "capsim_calibration_scenario";
  fs::create_directories(dir);
  std::ifstream in(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/examples/default.json");
  nlohmann::json doc = nlohmann::json::parse(in);
  doc["cluster"]["gpu"] = gpu_id;
  if (p != nullptr) {
    std::ofstream(dir / "profile.json") << to_json(*p).dump(1);
    doc["cluster"]["calibration"] = "profile.json";
  }
  return planner::load_scenario(doc, (dir / "scenario.json").string());
}

TEST(CalibrationProfile, ScenarioCalibrationSlowsAGemmBoundTrainingStep) {
  const CalibrationProfile slow = profile(0.6 * h100().gemm_efficiency_cap(Precision::bf16));
  const double base = planner::run_scenario(calibrated_scenario("h100-sxm5-80gb", nullptr)).training.at(0).step_time_s;
  const planner::Scenario s = calibrated_scenario("h100-sxm5-80gb", &slow);
  EXPECT_EQ(s.cluster.scale_out.nccl_tests.size(), 1u);
  const double calibrated = planner::run_scenario(s).training.at(0).step_time_s;
  EXPECT_GT(calibrated, 1.2 * base);
}

TEST(CalibrationProfile, ScenarioRefusesAProfileOfAnotherGpu) {
  const CalibrationProfile p = profile(0.7);
  try {
    calibrated_scenario("a100-sxm4-80gb", &p);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostics().front().pointer, "/cluster/calibration");
  }
}

}  // namespace
}  // namespace capsim::hw
