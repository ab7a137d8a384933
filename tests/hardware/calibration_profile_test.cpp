#include "models/hardware/calibration_profile.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "models/hardware/calibration_fit.hpp"
#include "models/hardware/gemm_model.hpp"
#include "models/hardware/gpu_catalog.hpp"
#include "models/hardware/power_model.hpp"
#include "models/network/nccl_collectives.hpp"
#include "planner/run.hpp"
#include "planner/scenario.hpp"
#include "sim/analytical/training_costs.hpp"
#include "sim/core/error.hpp"
#include "tests/analytical/test_cluster.hpp"

namespace capsim::hw {
namespace CAPSIM_UNITY_ID {

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

/// The profile of `profile(0.7)` plus every newer block, with test values (not measurements).
CalibrationProfile full_profile() {
  CalibrationProfile p = profile(0.7);
  p.provenance.driver_release = "580.159.04";
  p.gemm[Precision::bf16].half_k_fitted = true;
  p.elementwise_Bps = 2.7e12;
  p.p2p_Bps = 3.9e11;
  p.power = {75, 680, 450, 700, 1.755e9, 1.98e9};
  p.attention = {0.62, 0.485, 7, 628, 520};
  return p;
}

std::string fixture(const std::string& name) { return std::string(CAPSIM_TEST_FIXTURES) + "/calibration/" + name; }

TEST(CalibrationProfile, NewBlocksRoundTripThroughJson) {
  const nlohmann::json doc = to_json(full_profile());
  EXPECT_TRUE(doc["power"].is_object());
  EXPECT_DOUBLE_EQ(doc["memory"]["elementwise_Bps"].get<double>(), 2.7e12);
  const CalibrationProfile b = profile_from_json(doc, "p.json");
  EXPECT_EQ(b.provenance.driver_release, "580.159.04");
  EXPECT_TRUE(b.gemm.at(Precision::bf16).half_k_fitted);
  EXPECT_DOUBLE_EQ(b.elementwise_Bps, 2.7e12);
  EXPECT_DOUBLE_EQ(b.p2p_Bps, 3.9e11);
  EXPECT_DOUBLE_EQ(b.power.idle_W, 75);
  EXPECT_DOUBLE_EQ(b.power.gemm_W, 680);
  EXPECT_DOUBLE_EQ(b.power.hbm_W, 450);
  EXPECT_DOUBLE_EQ(b.power.power_limit_W, 700);
  EXPECT_DOUBLE_EQ(b.power.gemm_sm_clock_Hz, 1.755e9);
  EXPECT_DOUBLE_EQ(b.power.max_sm_clock_Hz, 1.98e9);
  EXPECT_DOUBLE_EQ(b.attention.fwd_efficiency, 0.62);
  EXPECT_DOUBLE_EQ(b.attention.bwd_efficiency, 0.485);
  EXPECT_EQ(b.attention.points, 7);
  EXPECT_DOUBLE_EQ(b.attention.best_fwd_tflops, 628);
  EXPECT_DOUBLE_EQ(b.attention.best_bwd_tflops, 520);
  EXPECT_EQ(to_json(b), doc);
}

TEST(CalibrationProfile, FittedSamplesRoundTripThroughJson) {
  std::vector<RawCalibration> raws;
  for (const char* name : {"gemm_sample.json", "memory_sample.json", "ops_sample.json", "attention_sample.json",
                           "nccl_sample.json", "nccl_1gpu_sample.json"}) {
    raws.push_back(read_raw_calibration(fixture(name)));
  }
  const nlohmann::json doc = to_json(fit_profile(h100(), raws));
  EXPECT_EQ(to_json(profile_from_json(doc, "p.json")), doc);
  EXPECT_EQ(doc["provenance"]["inputs"].size(), 6u);
}

TEST(CalibrationProfile, ReportsProblemsOfTheNewBlocksWithTheirPointers) {
  nlohmann::json doc = to_json(full_profile());
  doc["power"]["idle_W"] = -1;
  doc["power"]["max_sm_clock_Hz"] = "fast";
  doc["attention"]["fwd_efficiency"] = 1.5;
  doc["memory"]["elementwise_Bps"] = "x";
  doc["gemm"]["bf16"]["half_k_fitted"] = "yes";
  doc["p2p_Bps"] = -3;
  try {
    profile_from_json(doc, "p.json");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    std::vector<std::string> pointers;
    for (const auto& d : e.diagnostics()) pointers.push_back(d.pointer);
    EXPECT_EQ(pointers, (std::vector<std::string>{"/gemm/bf16/half_k_fitted", "/memory/elementwise_Bps",
                                                  "/attention/fwd_efficiency", "/power/idle_W",
                                                  "/power/max_sm_clock_Hz", "/p2p_Bps"}));
  }
}

TEST(CalibrationProfile, TheOldEmptyPowerArrayIsReadButAFilledOneIsNot) {
  nlohmann::json doc = to_json(profile(0.7));
  doc["power"] = nlohmann::json::array();
  doc.erase("attention");
  EXPECT_TRUE(profile_from_json(doc, "old.json").power.empty());
  doc["power"].push_back({{"activity", 1.0}, {"power_W", 700}});
  EXPECT_THROW(profile_from_json(doc, "old.json"), InputError);
}

TEST(CalibrationProfile, AProfileWithOnlyPowerOrAttentionIsNotEmpty) {
  CalibrationProfile p;
  p.gpu = "h100-sxm5-80gb";
  p.provenance.device = "NVIDIA H100 80GB HBM3";
  p.provenance.timestamp = "2025-03-04T05:06:07Z";
  EXPECT_THROW(profile_from_json(to_json(p), "p.json"), InputError);
  p.attention.fwd_efficiency = 0.6;
  EXPECT_NO_THROW(profile_from_json(to_json(p), "p.json"));
  p.attention = {};
  p.power.idle_W = 70;
  EXPECT_NO_THROW(profile_from_json(to_json(p), "p.json"));
}

TEST(CalibrationProfile, AFreedHalfKIsAppliedWithItsCap) {
  const GemmShape s{8192, 8192, 1024};
  CalibrationProfile p = profile(0.7);
  p.gemm[Precision::bf16] = {0.75, 600, 3e-6, 0.7, 20, 0.01, 0.02, 700, true};
  GpuSpec gpu = h100();
  apply_profile(gpu, p);
  EXPECT_DOUBLE_EQ(gpu.max_gemm_efficiency.at(Precision::bf16), 0.75);
  EXPECT_DOUBLE_EQ(gpu.gemm_half_k.at(Precision::bf16), 600);
  EXPECT_NE(gpu.sources.at("gemm_half_k.bf16").find("h100.json"), std::string::npos);
  const double wave = gemm_wave_use(h100(), s, Precision::bf16);
  EXPECT_NEAR(GemmModel(gpu).efficiency(s, Precision::bf16), 0.75 * wave * 1024 / (1024 + 600), 1e-9);
  const double flops_s = s.flops() / (h100().peak(Precision::bf16) * 0.75 * wave * 1024 / (1024 + 600));
  EXPECT_NEAR(GemmModel(gpu).gemm_time_s(s, Precision::bf16, 2), flops_s + gpu.kernel_overhead_s, 1e-9 * flops_s);

  // Held half_k: the model keeps its own and takes model_cap.
  p.gemm[Precision::bf16].half_k_fitted = false;
  GpuSpec held = h100();
  held.gemm_half_k.clear();  // the catalog's H100 carries the built-in profile's fitted points
  apply_profile(held, p);
  EXPECT_TRUE(held.gemm_half_k.empty());
  EXPECT_DOUBLE_EQ(held.max_gemm_efficiency.at(Precision::bf16), 0.7);
  GpuSpec bare = h100();
  bare.gemm_half_k.clear();
  const double model_hk = gemm_model_half_k(bare, Precision::bf16);
  EXPECT_NEAR(GemmModel(held).efficiency(s, Precision::bf16), 0.7 * wave * 1024 / (1024 + model_hk), 1e-9);
}

TEST(CalibrationProfile, AppliedElementwiseBandwidthTimesMemoryBoundKernels) {
  GpuSpec gpu = h100();
  apply_profile(gpu, full_profile());
  EXPECT_DOUBLE_EQ(gpu.elementwise_Bps, 2.7e12);
  EXPECT_DOUBLE_EQ(GemmModel(gpu).memory_time_s(2.7e9), 1e-3 + gpu.kernel_overhead_s);
  EXPECT_DOUBLE_EQ(GemmModel(gpu).hbm_Bps(), 2.9e12);  // GEMMs bound by HBM keep the streaming figure
  EXPECT_NE(gpu.sources.at("elementwise_Bps").find("h100.json"), std::string::npos);
}

TEST(CalibrationProfile, AppliedPowerReadingsSetIdleAndTheShares) {
  GpuSpec gpu = h100();
  apply_profile(gpu, full_profile());
  EXPECT_DOUBLE_EQ(gpu.idle_W, 75);
  EXPECT_DOUBLE_EQ(gpu.compute_power_share, (680.0 - 75) / (700 - 75));
  EXPECT_DOUBLE_EQ(gpu.memory_power_share, (450.0 - 75) / (700 - 75));
  GpuActivity gemm;
  gemm.compute_bound_s = 1;
  GpuActivity stream;
  stream.memory_bound_s = 1;
  EXPECT_NEAR(gpu_power_W(gpu, 0, gemm), 680, 1e-9);
  EXPECT_NEAR(gpu_power_W(gpu, 0, stream), 450, 1e-9);
  EXPECT_DOUBLE_EQ(gpu_power_W(gpu, 0, GpuActivity{}), 75);
  EXPECT_NEAR(gpu_power_W(h100(), 0, gemm), 692, 1);  // the catalog's own, from the built-in profile
  EXPECT_NE(gpu.sources.at("memory_power_share").find("h100.json"), std::string::npos);

  // Without a recorded limit the shares are of the GPU's TDP; readings outside the range are clamped.
  CalibrationProfile p = full_profile();
  p.power = {100, 750, 90, 0, 0, 0};
  GpuSpec tdp = h100();
  apply_profile(tdp, p);
  EXPECT_DOUBLE_EQ(tdp.compute_power_share, 1.0);
  EXPECT_DOUBLE_EQ(tdp.memory_power_share, 0.0);
  p.power = {100, 400, 0, 0, 0, 0};
  apply_profile(tdp, p);
  EXPECT_DOUBLE_EQ(tdp.compute_power_share, 0.5);  // (400 - 100) / (700 - 100)
}

TEST(CalibrationProfile, AppliedAttentionSharesReproduceTheMeasuredKernelTimes) {
  const CalibrationProfile p = fit_profile(h100(), {read_raw_calibration(fixture("attention_sample.json"))});
  hw::ClusterSpec base = test::catalog_cluster("h100-sxm5-80gb", 1);
  hw::ClusterSpec calibrated = base;
  apply_profile(calibrated.gpu, p);
  EXPECT_DOUBLE_EQ(calibrated.gpu.attention_fwd_efficiency, p.attention.fwd_efficiency);
  // One layer of 32 heads of 128, micro-batch 2, 8192 tokens: the sample's forward median point.
  auto job = test::gpt_job(1, 4096, 32, 1, 1, 1, 2);
  job.model.seq_len = 8192;
  job.parallelism.micro_batch = 2;
  auto forward_backward = [&](const hw::ClusterSpec& c) {
    const sim::TrainingCosts costs = sim::training_costs(c, job, GemmModel(c.gpu), net::NcclCollectives(c));
    return std::pair(costs.layer.forward.compute_s, costs.layer.backward.compute_s);
  };
  const auto [f0, b0] = forward_backward(base);
  const auto [f1, b1] = forward_backward(calibrated);
  const double flops = 4.0 * 2 * 32 * 8192.0 * 8192 * 128 * 0.5 * (1 + 128 / 8192.0);
  const double peak = h100().peak(Precision::bf16);
  // The catalog's H100 already carries the shipped profile's attention shares; the sample's replace them.
  const double derived_f = flops / (peak * h100().attention_fwd_efficiency);
  const double derived_b = 2.5 * flops / (peak * h100().attention_bwd_efficiency);
  const double measured_f = read_raw_calibration(fixture("attention_sample.json")).attention[2].time_s;
  EXPECT_NEAR(f1 - f0, measured_f - derived_f, 1e-9 * measured_f);
  EXPECT_NEAR(b1 - b0, 2.5 * flops / (peak * 0.485) - derived_b, 1e-9 * measured_f);
  EXPECT_GT(std::abs(f1 - f0), 1e-5);  // the applied share differs from the derived one
}


namespace shipped {

const std::string kRawDir = std::string(CAPSIM_SOURCE_DIR) + "/models/hardware/calibration/raw/h100-sxm5-80gb/";

// The shipped H100 profile is a real measurement (models/hardware/calibration/README.md), within what the published
// figures of /work/shared/reference/hardware.md allow.
TEST(ShippedProfile, H100IsARealMeasurementInThePublishedRange) {
  const CalibrationProfile* p = builtin_profile("h100-sxm5-80gb");
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->provenance.synthetic);
  EXPECT_EQ(p->provenance.device, "NVIDIA H100 80GB HBM3");
  EXPECT_GT(p->gemm.at(Precision::bf16).best_tflops, 700);   // MAMF best: 794.5
  EXPECT_LT(p->gemm.at(Precision::bf16).best_tflops, 850);
  EXPECT_GT(p->gemm.at(Precision::fp8).best_tflops, 1250);   // MAMF best: 1402.6
  EXPECT_LT(p->gemm.at(Precision::fp8).best_tflops, 1500);
  EXPECT_GT(p->hbm_achieved_Bps(), 2.7e12);                  // Azure STREAM: copy 2.90, triad 2.97 TB/s
  EXPECT_LT(p->hbm_achieved_Bps(), 3.35e12);                 // datasheet peak
  EXPECT_GT(p->power.gemm_W, 600);
  EXPECT_LE(p->power.gemm_W, 1.02 * p->power.power_limit_W);
  EXPECT_EQ(builtin_profile("a100-sxm4-80gb"), nullptr);
}

// Refitting the committed raw measurements gives the committed profile: the profile is what the files say.
TEST(ShippedProfile, RefittingTheRawMeasurementsReproducesIt) {
  std::vector<RawCalibration> raws;
  for (const char* name : {"gemm.json", "memory.json", "ops.json", "attention.json", "nccl.json"}) {
    raws.push_back(read_raw_calibration(kRawDir + name));
  }
  const CalibrationProfile refit = fit_profile(h100(), raws);
  const CalibrationProfile& shipped = *builtin_profile("h100-sxm5-80gb");
  for (const auto& [precision, fit] : shipped.gemm) {
    EXPECT_NEAR(refit.gemm.at(precision).cap, fit.cap, 1e-9) << to_string(precision);
    EXPECT_NEAR(refit.gemm.at(precision).half_k, fit.half_k, 1e-6) << to_string(precision);
    EXPECT_NEAR(refit.gemm.at(precision).sustained_ratio, fit.sustained_ratio, 1e-9) << to_string(precision);
  }
  EXPECT_DOUBLE_EQ(refit.hbm_triad_Bps, shipped.hbm_triad_Bps);
  EXPECT_DOUBLE_EQ(refit.elementwise_Bps, shipped.elementwise_Bps);
  EXPECT_NEAR(refit.attention.fwd_efficiency, shipped.attention.fwd_efficiency, 1e-12);
  EXPECT_NEAR(refit.attention.bwd_efficiency, shipped.attention.bwd_efficiency, 1e-12);
  EXPECT_DOUBLE_EQ(refit.power.idle_W, shipped.power.idle_W);
}

/// The default scenario on `gpu_id` with `"calibration": "builtin"`.
planner::Scenario builtin_scenario(const std::string& gpu_id) {
  std::ifstream in(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/examples/default.json");
  nlohmann::json doc = nlohmann::json::parse(in);
  doc["cluster"]["gpu"] = gpu_id;
  doc["cluster"]["calibration"] = kBuiltinProfile;
  return planner::load_scenario(doc, "builtin-calibration.json");
}

TEST(ShippedProfile, ScenarioNamesItWithBuiltin) {
  const planner::Scenario s = builtin_scenario("h100-sxm5-80gb");
  EXPECT_NE(s.cluster.gpu.sources.at("max_gemm_efficiency.bf16").find("built-in"), std::string::npos);
  EXPECT_DOUBLE_EQ(s.cluster.gpu.hbm_achieved_Bps, builtin_profile("h100-sxm5-80gb")->hbm_achieved_Bps());
}

TEST(ShippedProfile, BuiltinOnAGpuWithoutOneSaysWhichExist) {
  try {
    builtin_scenario("a100-sxm4-80gb");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostics().front().pointer, "/cluster/calibration");
    EXPECT_NE(e.diagnostics().front().message.find("h100-sxm5-80gb"), std::string::npos);
  }
}

}  // namespace shipped

}  // namespace
}  // namespace capsim::hw
