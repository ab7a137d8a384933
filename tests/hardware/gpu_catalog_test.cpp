#include "models/hardware/gpu_catalog.hpp"
#include "models/hardware/calibration_profile.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "sim/core/error.hpp"

namespace capsim::hw {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

/// The five design GPUs; the checks below that assume an 8-GPU HGX-style node apply to them.
const std::vector<std::string> kBuiltinIds = {"a100-sxm4-80gb", "b200-sxm-180gb", "grandteton-h100-96gb",
                                              "h100-sxm5-80gb", "h200-sxm-141gb", "mi300x"};
/// Every built-in id, sorted: the design GPUs, Meta's Grand Teton H100 and the accelerators of issue 16
/// (accelerator_catalog_test.cpp).
const std::vector<std::string> kAllBuiltinIds = {
    "a100-sxm4-80gb", "b200-sxm-180gb", "b300",   "gaudi3", "gb200",   "grandteton-h100-96gb", "h100-sxm5-80gb",
    "h200-sxm-141gb", "mi300x",         "mi325x", "mi355x", "tpu-v5p", "tpu-v6e",              "trn2"};

/// A minimal valid catalog entry; tests break one part of it at a time.
json valid_entry(const std::string& id = "test-gpu") {
  const auto f = [](json value) { return json{{"value", std::move(value)}, {"source", "test"}}; };
  return {{"id", id},
          {"name", "Test GPU"},
          {"vendor", "test"},
          {"peak_flops", {{"bf16", f("100 TFLOP/s")}, {"fp8", f(2e14)}}},
          {"max_gemm_efficiency", {{"bf16", f(0.75)}}},
          {"sm_count", f(100)},
          {"hbm", {{"capacity", f("64 GB")}, {"bandwidth", f("2 TB/s")}, {"achieved_bandwidth", f("1.8 TB/s")}}},
          {"kernel_overhead", f("4 us")},
          {"power", {{"tdp", f("500 W")}, {"idle", f("50 W")}}},
          {"scale_up", {{"domain_gpus", f(8)}, {"bandwidth", f("300 GB/s")}, {"latency", f("2 us")}}},
          {"node",
           {{"gpus_per_node", f(8)},
            {"nics_per_node", f(8)},
            {"nic_bandwidth", f("400 Gb/s")},
            {"nic_latency", f("5 us")}}}};
}

json document(json entries) { return {{"schema", "capsim/gpu-catalog/v1"}, {"gpus", std::move(entries)}}; }

/// The diagnostics that add_document reports for `doc` (empty if it is accepted).
std::vector<Diagnostic> diagnose(const json& doc) {
  GpuCatalog catalog;
  try {
    catalog.add_document(doc, "test.json");
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

bool has_pointer(const std::vector<Diagnostic>& diagnostics, const std::string& pointer) {
  for (const auto& d : diagnostics) {
    if (d.pointer == pointer) return true;
  }
  return false;
}

std::string write_temp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "capsim_gpu_catalog_test_" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(GpuCatalog, ATorusNeedsItsRankAndTorusFieldsNeedATorus) {
  const auto f = [](json value) { return json{{"value", std::move(value)}, {"source", "test"}}; };
  json entry = valid_entry();
  entry["scale_up"]["kind"] = f("torus");
  entry["scale_up"]["torus_rank"] = f(3);
  EXPECT_TRUE(diagnose(document(json::array({entry}))).empty());
  entry["scale_up"].erase("torus_rank");
  const auto no_rank = diagnose(document(json::array({entry})));
  ASSERT_EQ(no_rank.size(), 1u);
  EXPECT_EQ(no_rank[0].pointer, "/gpus/0/scale_up/torus_rank");
  entry["scale_up"]["torus_rank"] = f(4);
  EXPECT_EQ(diagnose(document(json::array({entry}))).size(), 1u);
  entry["scale_up"]["kind"] = f("switched");
  entry["scale_up"]["torus_rank"] = f(3);
  const auto not_torus = diagnose(document(json::array({entry})));
  ASSERT_EQ(not_torus.size(), 1u);
  EXPECT_EQ(not_torus[0].pointer, "/gpus/0/scale_up/kind");
}

TEST(GpuCatalog, BuiltinHasTheDesignGpusAndTheNewAccelerators) {
  EXPECT_EQ(GpuCatalog::builtin().ids(), kAllBuiltinIds);
}

TEST(GpuCatalog, GrandTetonH100IsTheH100WithHbm2e) {
  // torchtitan's benchmark files: "96GB HBM2e with 2.4 TB/sec peak memory bandwidth"; compute as the H100 SXM5.
  const GpuSpec* gt = GpuCatalog::builtin().find("grandteton-h100-96gb");
  const GpuSpec* h100 = GpuCatalog::builtin().find("h100-sxm5-80gb");
  ASSERT_NE(gt, nullptr);
  ASSERT_NE(h100, nullptr);
  EXPECT_DOUBLE_EQ(gt->hbm_bw_Bps, 2.4e12);
  EXPECT_DOUBLE_EQ(gt->hbm_bytes, 96e9);
  EXPECT_LT(gt->hbm_achieved_Bps, h100->hbm_achieved_Bps);
  EXPECT_DOUBLE_EQ(gt->peak(Precision::bf16), h100->peak(Precision::bf16));
  EXPECT_DOUBLE_EQ(gt->flash2_fwd_efficiency, h100->flash2_fwd_efficiency);
  EXPECT_LT(h100->flash2_fwd_efficiency, h100->attention_fwd_efficiency);
}

TEST(GpuCatalog, BuiltinGpusHaveSaneValues) {
  for (const auto& id : kBuiltinIds) {
    SCOPED_TRACE(id);
    const GpuSpec* gpu = GpuCatalog::builtin().find(id);
    ASSERT_NE(gpu, nullptr);
    EXPECT_EQ(gpu->id, id);
    EXPECT_FALSE(gpu->name.empty());
    EXPECT_GT(gpu->peak(Precision::bf16), 300e12);
    EXPECT_EQ(gpu->peak(Precision::fp16), gpu->peak(Precision::bf16));
    EXPECT_LT(gpu->peak(Precision::fp32), gpu->peak(Precision::tf32));
    EXPECT_LT(gpu->peak(Precision::tf32), gpu->peak(Precision::bf16));
    EXPECT_GT(gpu->gemm_efficiency_cap(Precision::bf16), 0.5);
    EXPECT_LT(gpu->gemm_efficiency_cap(Precision::bf16), 0.9);
    EXPECT_GE(gpu->sm_count, 100);
    EXPECT_GE(gpu->hbm_bytes, 80e9);
    EXPECT_LE(gpu->hbm_bytes, 192.0 * 1024 * 1024 * 1024);
    EXPECT_GT(gpu->hbm_achieved_Bps, 0.8 * gpu->hbm_bw_Bps);
    EXPECT_LE(gpu->hbm_achieved_Bps, gpu->hbm_bw_Bps);
    EXPECT_GT(gpu->kernel_overhead_s, 0);
    EXPECT_GE(gpu->tdp_W, 400);
    EXPECT_GT(gpu->idle_W, 0);
    EXPECT_LT(gpu->idle_W, gpu->tdp_W);
    EXPECT_EQ(gpu->scale_up.domain_gpus, 8);
    EXPECT_GE(gpu->scale_up.bw_Bps, 300e9);
    EXPECT_GT(gpu->scale_up.latency_s, 0);
    EXPECT_EQ(gpu->node.gpus_per_node, 8);
    EXPECT_EQ(gpu->node.nics_per_node, 8);
    EXPECT_GT(gpu->node.nic_efficiency, 0.9);
    EXPECT_GT(gpu->node.nic_latency_s, 0);
  }
}

TEST(GpuCatalog, H100FiguresMatchTheReferenceTables) {
  const GpuSpec& h100 = *GpuCatalog::builtin().find("h100-sxm5-80gb");
  EXPECT_DOUBLE_EQ(h100.peak(Precision::bf16), 989e12);
  EXPECT_DOUBLE_EQ(h100.peak(Precision::fp8), 1979e12);
  EXPECT_DOUBLE_EQ(h100.hbm_bytes, 81559.0 * 1024 * 1024);  // as nvidia-smi reports it
  EXPECT_DOUBLE_EQ(h100.hbm_bw_Bps, 3.35e12);
  // Measured figures are CapSim's own calibration run (models/hardware/calibration/h100-sxm5-80gb.json): the catalog
  // carries what that profile fitted, so `--profile builtin` changes nothing on an H100.
  EXPECT_DOUBLE_EQ(h100.hbm_achieved_Bps, 2.90e12);
  EXPECT_DOUBLE_EQ(h100.elementwise_Bps, 2.84e12);
  const CalibrationProfile* measured = builtin_profile("h100-sxm5-80gb");
  ASSERT_NE(measured, nullptr);
  for (const auto& [precision, fit] : measured->gemm) {
    SCOPED_TRACE(std::string(to_string(precision)));
    EXPECT_NEAR(h100.gemm_efficiency_cap(precision), fit.cap, 1e-4);
    EXPECT_NEAR(h100.gemm_half_k.at(precision), fit.half_k, 0.1);
    if (fit.sustained_ratio < 1.0) EXPECT_NEAR(h100.sustained_ratio(precision), fit.sustained_ratio, 1e-4);
  }
  EXPECT_NEAR(h100.attention_fwd_efficiency, measured->attention.fwd_efficiency, 1e-4);
  EXPECT_NEAR(h100.attention_bwd_efficiency, measured->attention.bwd_efficiency, 1e-4);
  EXPECT_DOUBLE_EQ(h100.scale_up.bw_Bps, 450e9);
  EXPECT_TRUE(h100.scale_up.in_network_reduction);
  EXPECT_DOUBLE_EQ(h100.scale_up.allreduce_busbw_Bps, 478.9e9);
  EXPECT_DOUBLE_EQ(h100.node.nic_bw_Bps, 50e9);  // 400 Gb/s
  EXPECT_DOUBLE_EQ(h100.node.nic_efficiency, 0.94);
}

TEST(GpuCatalog, A100UsesHdrNicsAndHasNoFp8) {
  const GpuSpec& a100 = *GpuCatalog::builtin().find("a100-sxm4-80gb");
  EXPECT_DOUBLE_EQ(a100.node.nic_bw_Bps, 25e9);
  EXPECT_DOUBLE_EQ(a100.node.nic_efficiency, 0.96);
  EXPECT_FALSE(a100.supports(Precision::fp8));
  EXPECT_FALSE(a100.scale_up.in_network_reduction);
  try {
    a100.peak(Precision::fp8);
    FAIL() << "expected InfeasibleError";
  } catch (const InfeasibleError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("a100-sxm4-80gb has no fp8 math mode"), std::string::npos) << what;
    EXPECT_NE(what.find("bf16"), std::string::npos) << what;
  }
}

TEST(GpuCatalog, Mi300xIsAMeshWithoutInNetworkReduction) {
  const GpuSpec& mi = *GpuCatalog::builtin().find("mi300x");
  EXPECT_EQ(mi.scale_up.kind, ScaleUpKind::mesh);
  EXPECT_FALSE(mi.scale_up.in_network_reduction);
  EXPECT_DOUBLE_EQ(mi.scale_up.bw_Bps, 448e9);
  EXPECT_DOUBLE_EQ(mi.scale_up.allreduce_busbw_Bps, 0);
  EXPECT_NEAR(mi.gemm_efficiency_cap(Precision::bf16), 668.4 / 1307.4, 1e-3);
}

TEST(GpuCatalog, GemmEfficiencyFallsBackToBf16ThenToDefault) {
  const GpuSpec& a100 = *GpuCatalog::builtin().find("a100-sxm4-80gb");
  EXPECT_DOUBLE_EQ(a100.gemm_efficiency_cap(Precision::fp16), 0.869);
  EXPECT_DOUBLE_EQ(GpuSpec{}.gemm_efficiency_cap(Precision::fp8), 0.8);
}

TEST(GpuCatalog, EveryFieldOfEveryBuiltinGpuHasASource) {
  const std::vector<std::string> fields = {"sm_count",
                                           "hbm_bytes",
                                           "hbm_bw_Bps",
                                           "hbm_achieved_Bps",
                                           "kernel_overhead_s",
                                           "tdp_W",
                                           "idle_W",
                                           "scale_up.kind",
                                           "scale_up.domain_gpus",
                                           "scale_up.bw_Bps",
                                           "scale_up.latency_s",
                                           "scale_up.in_network_reduction",
                                           "scale_up.allreduce_busbw_Bps",
                                           "node.gpus_per_node",
                                           "node.nics_per_node",
                                           "node.nic_bw_Bps",
                                           "node.nic_efficiency",
                                           "node.nic_latency_s"};
  for (const auto& id : kAllBuiltinIds) {
    const GpuSpec& gpu = *GpuCatalog::builtin().find(id);
    std::vector<std::string> expected = fields;
    for (const auto& [p, v] : gpu.peak_flops) expected.push_back("peak_flops." + std::string(to_string(p)));
    for (const auto& [p, v] : gpu.max_gemm_efficiency) {
      expected.push_back("max_gemm_efficiency." + std::string(to_string(p)));
    }
    for (const auto& [p, v] : gpu.sustained_gemm_ratio) {
      expected.push_back("sustained_gemm_ratio." + std::string(to_string(p)));
    }
    for (const auto& field : expected) {
      const auto it = gpu.sources.find(field);
      ASSERT_NE(it, gpu.sources.end()) << id << " has no source for " << field;
      EXPECT_GT(it->second.size(), 8u) << id << " " << field;
      EXPECT_EQ(it->second.find("CapSim default"), std::string::npos) << id << " " << field << ": " << it->second;
    }
  }
}

TEST(GpuCatalog, FindReturnsNullForUnknownId) { EXPECT_EQ(GpuCatalog::builtin().find("v100"), nullptr); }

TEST(GpuCatalog, LaterDocumentOverridesABuiltinId) {
  GpuCatalog catalog = GpuCatalog::builtin();
  json entry = valid_entry("h100-sxm5-80gb");
  entry["peak_flops"]["bf16"]["value"] = "900 TFLOP/s";
  catalog.add_document(document(json::array({entry})), "mine.json");
  EXPECT_DOUBLE_EQ(catalog.find("h100-sxm5-80gb")->peak(Precision::bf16), 900e12);
  EXPECT_EQ(catalog.ids().size(), kAllBuiltinIds.size());
  EXPECT_DOUBLE_EQ(GpuCatalog::builtin().find("h100-sxm5-80gb")->peak(Precision::bf16), 989e12);
}

TEST(GpuCatalog, AddFileOverridesABuiltinId) {
  json entry = valid_entry("mi300x");
  entry["hbm"]["capacity"]["value"] = "256 GB";
  const std::string path = write_temp("override.json", document(json::array({entry})).dump(2));
  GpuCatalog catalog = GpuCatalog::builtin();
  catalog.add_file(path);
  EXPECT_DOUBLE_EQ(catalog.find("mi300x")->hbm_bytes, 256e9);
  EXPECT_EQ(catalog.find("mi300x")->sources.at("hbm_bytes"), "test");
}

TEST(GpuCatalog, OptionalFiguresTakeDocumentedDefaults) {
  GpuCatalog catalog;
  catalog.add_document(document(json::array({valid_entry()})), "test.json");
  const GpuSpec& gpu = *catalog.find("test-gpu");
  EXPECT_EQ(gpu.scale_up.kind, ScaleUpKind::switched);
  EXPECT_FALSE(gpu.scale_up.in_network_reduction);
  EXPECT_DOUBLE_EQ(gpu.scale_up.allreduce_busbw_Bps, 0);
  EXPECT_DOUBLE_EQ(gpu.node.nic_efficiency, 0.94);
  EXPECT_NE(gpu.sources.at("node.nic_efficiency").find("default"), std::string::npos);
}

TEST(GpuCatalog, InvalidDocumentReportsEveryProblemWithItsPointer) {
  json entry = valid_entry();
  entry["peak_flops"]["bf16"]["value"] = "989 GB/s";
  entry["power"]["tdp"]["value"] = "-700 W";
  entry["hbm"].erase("capacity");
  entry["sm_count"].erase("source");
  entry["hbm_bw"] = "3 TB/s";
  entry["scale_up"]["kind"] = {{"value", "dragonfly"}, {"source", "x"}};
  const auto diagnostics = diagnose(document(json::array({entry})));
  EXPECT_EQ(diagnostics.size(), 6u);
  EXPECT_TRUE(has_pointer(diagnostics, "/gpus/0/peak_flops/bf16/value"));
  EXPECT_TRUE(has_pointer(diagnostics, "/gpus/0/power/tdp/value"));
  EXPECT_TRUE(has_pointer(diagnostics, "/gpus/0/hbm/capacity"));
  EXPECT_TRUE(has_pointer(diagnostics, "/gpus/0/sm_count/source"));
  EXPECT_TRUE(has_pointer(diagnostics, "/gpus/0/hbm_bw"));
  EXPECT_TRUE(has_pointer(diagnostics, "/gpus/0/scale_up/kind/value"));
  for (const auto& d : diagnostics) {
    EXPECT_EQ(d.file, "test.json");
    if (d.pointer == "/gpus/0/peak_flops/bf16/value") {
      EXPECT_NE(d.message.find("expected a FLOP rate"), std::string::npos) << d.message;
    }
  }
}

TEST(GpuCatalog, RejectedDocumentAddsNothing) {
  GpuCatalog catalog;
  json bad = valid_entry("bad");
  bad["sm_count"]["value"] = 0;
  EXPECT_THROW(catalog.add_document(document(json::array({valid_entry("good"), bad})), "x.json"), InputError);
  EXPECT_TRUE(catalog.ids().empty());
}

TEST(GpuCatalog, DocumentLevelMistakesAreReported) {
  EXPECT_TRUE(has_pointer(diagnose(json::array()), ""));
  EXPECT_TRUE(has_pointer(diagnose({{"gpus", json::array({valid_entry()})}}), "/schema"));
  EXPECT_TRUE(
      has_pointer(diagnose({{"schema", "capsim/gpu-catalog/v2"}, {"gpus", json::array({valid_entry()})}}), "/schema"));
  EXPECT_TRUE(has_pointer(diagnose(document(json::array())), "/gpus"));
  EXPECT_TRUE(has_pointer(diagnose(document(json::array({1}))), "/gpus/0"));
  EXPECT_TRUE(has_pointer(diagnose(document(json::array({valid_entry("x"), valid_entry("x")}))), "/gpus/1/id"));
  EXPECT_TRUE(has_pointer(diagnose(document(json::array({valid_entry("Bad Id")}))), "/gpus/0/id"));
  json unknown_precision = valid_entry();
  unknown_precision["peak_flops"]["fp64"] = {{"value", 1e12}, {"source", "x"}};
  EXPECT_TRUE(has_pointer(diagnose(document(json::array({unknown_precision}))), "/gpus/0/peak_flops/fp64"));
}

// Replaces every value in the entry, one at a time, by values of every JSON type: the reader must answer with
// an InputError or accept, never crash or throw anything else.
TEST(GpuCatalog, NeverCrashesOnWrongTypesOrValues) {
  const json replacements = json::array({nullptr, true, -1, 0, 1e308, "x", "1e999 W", "-5 GB", json::array(),
                                         json::object(), json::array({1, 2}), json{{"value", nullptr}}});
  const json base = valid_entry();
  std::vector<json::json_pointer> leaves;
  const json flat = base.flatten();
  for (const auto& [path, value] : flat.items()) {
    json::json_pointer p(path);
    for (; !p.empty(); p = p.parent_pointer()) leaves.push_back(p);
  }
  int rejected = 0;
  for (const auto& p : leaves) {
    for (const auto& r : replacements) {
      json entry = base;
      entry[p] = r;
      const auto diagnostics = diagnose(document(json::array({entry})));
      rejected += diagnostics.empty() ? 0 : 1;
      for (const auto& d : diagnostics) EXPECT_FALSE(d.message.empty()) << p.to_string();
    }
  }
  EXPECT_GT(rejected, 100);
}

TEST(GpuCatalog, AddFileReportsParseErrorsWithLineAndColumn) {
  const std::string path = write_temp("broken.json", "{\n  \"schema\": \"capsim/gpu-catalog/v1\",\n  \"gpus\": [,]\n}");
  try {
    GpuCatalog().add_file(path);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].file, path);
    EXPECT_NE(e.diagnostics()[0].message.find("line 3, column 12"), std::string::npos) << e.what();
  }
}

TEST(GpuCatalog, AddFileReportsMissingEmptyAndDirectoryPaths) {
  EXPECT_THROW(GpuCatalog().add_file(::testing::TempDir() + "capsim_no_such_file.json"), InputError);
  EXPECT_THROW(GpuCatalog().add_file(write_temp("empty.json", "  \n")), InputError);
  EXPECT_THROW(GpuCatalog().add_file(::testing::TempDir()), InputError);
  EXPECT_THROW(GpuCatalog().add_file(write_temp("binary.json", std::string("\xFF\x00\x01", 3))), InputError);
  // A number past double's range is nlohmann's out_of_range, not a parse_error: still the user's invalid JSON.
  EXPECT_THROW(GpuCatalog().add_file(write_temp("huge.json", R"({"schema": "capsim/gpu-catalog/v1", "gpus": [1e999]})")),
               InputError);
}

TEST(Precision, NamesRoundTripAndFp8AliasesParse) {
  for (const Precision p : {Precision::fp32, Precision::tf32, Precision::fp16, Precision::bf16, Precision::fp8,
                            Precision::fp4, Precision::int8, Precision::int4}) {
    EXPECT_EQ(precision_from_string(to_string(p)), p);
  }
  EXPECT_EQ(precision_from_string("BF16"), Precision::bf16);
  EXPECT_EQ(precision_from_string("e4m3"), Precision::fp8);
  EXPECT_EQ(precision_from_string("E5M2"), Precision::fp8);
  EXPECT_EQ(precision_from_string("fp64"), std::nullopt);
  EXPECT_EQ(precision_from_string(""), std::nullopt);
}

TEST(Precision, BytesPerElement) {
  EXPECT_EQ(bytes_per_element(Precision::fp32), 4.0);
  EXPECT_EQ(bytes_per_element(Precision::tf32), 4.0);
  EXPECT_EQ(bytes_per_element(Precision::bf16), 2.0);
  EXPECT_EQ(bytes_per_element(Precision::fp8), 1.0);
  EXPECT_EQ(bytes_per_element(Precision::int4), 0.5);
}

}  // namespace
}  // namespace capsim::hw
