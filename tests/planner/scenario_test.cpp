#include "planner/scenario.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "sim/core/error.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;
using workloads::InferenceJob;
using workloads::TrainingJob;

std::string fixture(const std::string& name) { return std::string(CAPSIM_TEST_FIXTURES) + "/scenarios/" + name; }

json read_fixture_json(const std::string& name) {
  std::ifstream in(fixture(name));
  return json::parse(in);
}

/// The diagnostics a scenario file produces; fails the test if it loads.
std::vector<Diagnostic> problems_in_file(const std::string& name) {
  try {
    load_scenario_file(fixture(name));
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << name << " loaded, but it should not";
  return {};
}

std::vector<Diagnostic> problems_in(const json& doc) {
  try {
    load_scenario(doc, "scenario.json");
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "the scenario loaded, but it should not:\n" << doc.dump(2);
  return {};
}

/// The one diagnostic at `pointer`; fails the test unless there is exactly one.
Diagnostic at(const std::vector<Diagnostic>& ds, const std::string& pointer) {
  std::vector<Diagnostic> found;
  for (const auto& d : ds) {
    if (d.pointer == pointer) found.push_back(d);
  }
  std::string all;
  for (const auto& d : ds) all += d.to_string() + "\n";
  EXPECT_EQ(found.size(), 1u) << "diagnostics at " << pointer << " among:\n" << all;
  return found.empty() ? Diagnostic{} : found.front();
}

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// The DESIGN.md example with 129 nodes: a valid scenario to start mutations from.
json valid_base() { return read_fixture_json("design_example_129_nodes.json"); }

TEST(ScenarioLoader, LoadsTheDesignExampleWithOneMoreNode) {
  const Scenario s = load_scenario_file(fixture("design_example_129_nodes.json"));
  EXPECT_EQ(s.name, "llama3-70b-pretrain");
  EXPECT_EQ(s.file, fixture("design_example_129_nodes.json"));
  EXPECT_EQ(s.cluster.gpu.id, "h100-sxm5-80gb");
  EXPECT_EQ(s.cluster.nodes, 129);
  EXPECT_EQ(s.cluster.gpus_per_node, 8);
  EXPECT_DOUBLE_EQ(s.cluster.scale_up.bw_Bps, 450e9);
  EXPECT_EQ(s.cluster.scale_out.topology, "fat-tree");
  EXPECT_EQ(s.cluster.scale_out.nics_per_node, 8);
  EXPECT_DOUBLE_EQ(s.cluster.scale_out.nic_bw_Bps, 50e9);
  EXPECT_DOUBLE_EQ(s.cluster.scale_out.oversubscription, 1.0);
  ASSERT_EQ(s.workloads.size(), 2u);

  const auto& train = std::get<TrainingJob>(s.workloads[0]);
  EXPECT_EQ(train.name, "pretrain");
  EXPECT_EQ(train.model.layers, 80);
  EXPECT_EQ(train.model.kv_heads, 8);
  EXPECT_EQ(train.model.head_dim, 128);  // derived: 8192 / 64
  EXPECT_EQ(train.model.vocab, 128256);
  EXPECT_EQ(train.model.seq_len, 8192);
  EXPECT_TRUE(train.model.gated_mlp);
  EXPECT_EQ(train.parallelism.tp, 8);
  EXPECT_EQ(train.parallelism.pp, 4);
  EXPECT_EQ(train.parallelism.dp, 32);
  EXPECT_EQ(train.parallelism.global_batch, 1024);
  EXPECT_TRUE(train.parallelism.sequence_parallel);
  EXPECT_EQ(train.parallelism.recompute, workloads::Recompute::selective);
  EXPECT_EQ(train.parallelism.zero, 1);
  EXPECT_EQ(train.precision, hw::Precision::bf16);
  EXPECT_DOUBLE_EQ(train.tokens, 15e12);
  EXPECT_EQ(train.software.attention, workloads::AttentionKernel::flash);

  const auto& chat = std::get<InferenceJob>(s.workloads[1]);
  EXPECT_EQ(chat.name, "chat");
  EXPECT_EQ(chat.model.name, "llama3-70b");
  EXPECT_EQ(chat.model.layers, 80);
  EXPECT_EQ(chat.tp, 2);
  EXPECT_EQ(chat.pp, 1);
  EXPECT_EQ(chat.replicas, 4);
  EXPECT_EQ(chat.precision, hw::Precision::fp8);
  EXPECT_EQ(chat.load.mode, workloads::LoadMode::concurrency);
  EXPECT_EQ(chat.load.users, 50);
  EXPECT_EQ(chat.input_tokens, 5000);
  EXPECT_EQ(chat.output_tokens, 500);
  EXPECT_EQ(s.simulation.engine, "analytical");
  EXPECT_EQ(s.simulation.seed, 1u);
  EXPECT_FALSE(s.validation.has_value());
}

TEST(ScenarioLoader, ReportsThatTheLiteralDesignExampleOverAsksByEightGpus) {
  const auto ds = problems_in_file("design_example.json");
  ASSERT_EQ(ds.size(), 1u) << ds.front().to_string();
  const Diagnostic d = at(ds, "/workloads");
  EXPECT_EQ(d.file, fixture("design_example.json"));
  EXPECT_TRUE(mentions(d.message, "need 1032 GPUs (pretrain 1024, chat 8)")) << d.message;
  EXPECT_TRUE(mentions(d.message, "the cluster has 1024 (128 nodes x 8 GPUs): 8 too many")) << d.message;
  EXPECT_TRUE(mentions(d.hint, "at least 129 nodes")) << d.hint;
}

TEST(ScenarioLoader, GivesLineAndColumnForTextThatIsNotJson) {
  const auto ds = problems_in_file("not_json.json");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].file, fixture("not_json.json"));
  EXPECT_TRUE(mentions(ds[0].message, "invalid JSON at line 4, column 51")) << ds[0].message;
}

TEST(ScenarioLoader, RejectsAnEmptyFile) {
  const auto ds = problems_in_file("empty.json");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_TRUE(mentions(ds[0].message, "empty")) << ds[0].message;
  EXPECT_THROW(load_scenario_text("  \n\t ", "blank.json"), InputError);
}

TEST(ScenarioLoader, RejectsADocumentThatIsNotAnObject) {
  const auto ds = problems_in_file("not_an_object.json");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "");
  EXPECT_TRUE(mentions(ds[0].message, "expected an object")) << ds[0].message;
  EXPECT_TRUE(mentions(ds[0].message, "found an array")) << ds[0].message;
  for (const char* text : {"42", "\"scenario\"", "null", "true"}) {
    EXPECT_THROW(load_scenario_text(text, "x.json"), InputError) << text;
  }
}

TEST(ScenarioLoader, NamesAMissingFile) {
  try {
    load_scenario_file(fixture("no_such_scenario.json"));
    FAIL() << "a missing file loaded";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_TRUE(mentions(e.what(), "no_such_scenario.json")) << e.what();
    EXPECT_TRUE(mentions(e.what(), "no such file")) << e.what();
  }
  EXPECT_THROW(load_scenario_file(CAPSIM_TEST_FIXTURES), InputError);  // a directory
}

TEST(ScenarioLoader, ReportsWrongTypesAtTheirJsonPointers) {
  const auto ds = problems_in_file("wrong_types.json");
  EXPECT_TRUE(mentions(at(ds, "/name").message, "expected a string, found 42"));
  EXPECT_TRUE(mentions(at(ds, "/cluster/nodes").message, "found \"many\""));
  EXPECT_TRUE(mentions(at(ds, "/cluster/scale_out/nic_bandwidth").message, "unit of byte size"));
  EXPECT_TRUE(mentions(at(ds, "/cluster/scale_out/oversubscription").message, "expected a number"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/model/heads").message, "found an array"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/model/gated_mlp").message, "expected true or false"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/parallelism/pp").message, "found 2.5"));
  EXPECT_EQ(at(ds, "/workloads/0/parallelism/pp").hint, "write a whole number such as 8");
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/parallelism/sequence_parallel").message, "found 1"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/precision").message, "found true"));
  EXPECT_TRUE(mentions(at(ds, "/simulation").message, "expected an object"));
  EXPECT_EQ(ds.size(), 10u);  // "8192" for hidden is a count string and is accepted
}

TEST(ScenarioLoader, RejectsNegativeZeroAndAbsurdSizes) {
  const auto ds = problems_in_file("absurd_sizes.json");
  EXPECT_TRUE(mentions(at(ds, "/cluster/nodes").message, "from 1 to 1000000, found -4"));
  EXPECT_TRUE(mentions(at(ds, "/cluster/gpus_per_node").message, "from 1 to 1024, found 0"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/model/layers").message, "from 1 to 10000"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/model/hidden").message, "found 0"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/model/vocab").message, "from 1 to 100000000"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/model/seq_len").message, "found -8192"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/parallelism/global_batch").message, "found 10000000000"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/parallelism/zero").message, "from 0 to 3, found 4"));
  EXPECT_EQ(ds.size(), 8u);
}

TEST(ScenarioLoader, ListsTheKnownGpusForAnUnknownGpuId) {
  const auto ds = problems_in_file("unknown_gpu.json");
  ASSERT_EQ(ds.size(), 1u);
  const Diagnostic d = at(ds, "/cluster/gpu");
  EXPECT_EQ(d.message, "unknown GPU \"h100\"");
  EXPECT_TRUE(mentions(d.hint, "did you mean \"h100-sxm5-80gb\"?")) << d.hint;
  for (const char* id : {"a100-sxm4-80gb", "h100-sxm5-80gb", "h200-sxm-141gb", "b200-sxm-180gb", "mi300x"}) {
    EXPECT_TRUE(mentions(d.hint, id)) << d.hint;
  }
}

TEST(ScenarioLoader, ExplainsATpThatDoesNotDivideTheHeads) {
  const auto ds = problems_in_file("tp_not_dividing_heads.json");
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].to_string(), fixture("tp_not_dividing_heads.json") +
                                   ": /workloads/0/parallelism/tp: 6 does not divide heads (64) (use a tp that "
                                   "divides 64: 1, 2, 4, 8, 16, 32 or 64)");
}

TEST(ScenarioLoader, SaysByHowMuchTheWorkloadsOverAskTheCluster) {
  const auto ds = problems_in_file("more_gpus_than_cluster.json");
  ASSERT_EQ(ds.size(), 1u);
  const Diagnostic d = at(ds, "/workloads");
  EXPECT_TRUE(mentions(d.message, "need 264 GPUs (pretrain 256, chat 8)")) << d.message;
  EXPECT_TRUE(mentions(d.message, "has 128 (16 nodes x 8 GPUs): 136 too many")) << d.message;
  EXPECT_EQ(d.hint, "use at least 33 nodes, or shrink the workloads by 136 GPUs");
}

TEST(ScenarioLoader, SuggestsGlobalBatchesThatSplitIntoMicroBatches) {
  const auto ds = problems_in_file("global_batch_not_splitting.json");
  ASSERT_EQ(ds.size(), 1u);
  const Diagnostic d = at(ds, "/workloads/0/parallelism/global_batch");
  EXPECT_TRUE(mentions(d.message, "1000 does not split into micro-batches")) << d.message;
  EXPECT_TRUE(mentions(d.message, "dp (32) x micro_batch (1) = 32")) << d.message;
  EXPECT_EQ(d.hint, "use a global_batch that is a multiple of 32, e.g. 992 or 1024");
}

TEST(ScenarioLoader, RejectsFp8OnA100) {
  const auto ds = problems_in_file("fp8_on_a100.json");
  ASSERT_EQ(ds.size(), 1u);
  const Diagnostic d = at(ds, "/workloads/0/precision");
  EXPECT_EQ(d.message, "the a100-sxm4-80gb has no fp8 math");
  EXPECT_TRUE(mentions(d.hint, "bf16")) << d.hint;
}

TEST(ScenarioLoader, ReportsEveryProblemInOneRun) {
  const auto ds = problems_in_file("several_problems.json");
  EXPECT_TRUE(mentions(at(ds, "/schema").message, "capsim/scenario/v1"));
  EXPECT_EQ(at(ds, "/cluster/scale_out/oversubscriptoin").hint, "did you mean \"oversubscription\"?");
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/parallelism/recompute").message, "found \"some\""));
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/parallelism/tp").message, "6 does not divide heads (64)"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/parallelism/cp").message, "seq_len (8190)"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/1/name").message, "already used at /workloads/0"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/1/model/preset").hint, "did you mean \"llama3-70b\"?"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/1/load").message, "\"rate\" is missing"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/1/output_tokens").message, "found 0"));
  EXPECT_TRUE(mentions(at(ds, "/validation/measured").message, "found -1"));
  EXPECT_TRUE(mentions(at(ds, "/validation/workload").message, "no workload is named \"pre-train\""));
  EXPECT_TRUE(mentions(at(ds, "/workloads").message, "need 49 GPUs (pretrain 48, pretrain 1)"));
  EXPECT_EQ(ds.size(), 12u);
}

TEST(ScenarioLoader, FormatsThreeProblemsOnePerLine) {
  try {
    load_scenario_file(fixture("three_problems.json"));
    FAIL() << "loaded";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 3u) << e.what();
    const std::string what = e.what();
    EXPECT_EQ(std::count(what.begin(), what.end(), '\n'), 2);
    EXPECT_TRUE(mentions(what,
                         "/cluster/gpus_per_nodes: unknown key \"gpus_per_nodes\" (did you mean "
                         "\"gpus_per_node\"?)"))
        << what;
    EXPECT_TRUE(mentions(what, "/workloads/0/parallelism/tp: 6 does not divide heads (32)")) << what;
    EXPECT_TRUE(mentions(what, "/workloads/0/parallelism/global_batch: 1002 does not split")) << what;
  }
}

TEST(ScenarioLoader, AcceptsFreeTextKeysAndRejectsOtherUnknownKeys) {
  json doc = valid_base();
  doc["_note"] = "free text";
  doc["comment"] = {{"any", "thing"}};
  doc["cluster"]["_why"] = 1;
  doc["workloads"][0]["description"] = "the big job";
  doc["workloads"][0]["model"]["comment"] = "Llama 3 70B";
  EXPECT_NO_THROW(load_scenario(doc, "scenario.json"));

  doc["workloads"][0]["parallelism"]["pipeline"] = 4;
  doc["clusters"] = json::object();
  const auto ds = problems_in(doc);
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(at(ds, "/clusters").hint, "did you mean \"cluster\"?");
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/parallelism/pipeline").hint, "known keys here:"));
}

TEST(ScenarioLoader, EscapesKeysInJsonPointers) {
  json doc = valid_base();
  doc["cluster"]["a/b~c"] = 1;
  EXPECT_EQ(problems_in(doc).at(0).pointer, "/cluster/a~1b~0c");
}

TEST(ScenarioLoader, ListsThePresetsForAnUnknownPreset) {
  json doc = valid_base();
  doc["workloads"][1]["model"]["preset"] = "gpt-5";
  const Diagnostic d = at(problems_in(doc), "/workloads/1/model/preset");
  EXPECT_EQ(d.message, "unknown preset \"gpt-5\"");
  EXPECT_TRUE(mentions(d.hint, "llama3-70b")) << d.hint;
  EXPECT_TRUE(mentions(d.hint, "mixtral-8x7b")) << d.hint;
}

TEST(ScenarioLoader, AppliesPresetOverrides) {
  json doc = valid_base();
  doc["workloads"][0]["model"] = {{"preset", "llama3-70b"}, {"seq_len", 4096}};
  const Scenario s = load_scenario(doc, "scenario.json");
  const auto& train = std::get<TrainingJob>(s.workloads[0]);
  EXPECT_EQ(train.model.seq_len, 4096);
  EXPECT_EQ(train.model.hidden, 8192);
  EXPECT_EQ(train.model.kv_heads, 8);
}

TEST(ScenarioLoader, ReadsTheTorchtitanCheckpointingModesAndSoftware) {
  json doc = valid_base();
  doc["workloads"][0]["parallelism"]["recompute"] = "selective-op";
  doc["workloads"][0]["software"] = {{"attention", "flash2"}, {"fused_elementwise", false}, {"fused_norm", false}};
  Scenario s = load_scenario(doc, "scenario.json");
  const auto& train = std::get<TrainingJob>(s.workloads[0]);
  EXPECT_EQ(train.parallelism.recompute, workloads::Recompute::selective_op);
  EXPECT_EQ(train.software.attention, workloads::AttentionKernel::flash2);
  EXPECT_FALSE(train.software.fused_elementwise);
  EXPECT_FALSE(train.software.fused_norm);
  doc["workloads"][0]["parallelism"]["recompute"] = "selective-layer";
  s = load_scenario(doc, "scenario.json");
  EXPECT_EQ(std::get<TrainingJob>(s.workloads[0]).parallelism.recompute, workloads::Recompute::selective_layer);
  doc["workloads"][0]["software"]["attention"] = "triton";  // llm-foundry's attn_impl: triton
  s = load_scenario(doc, "scenario.json");
  EXPECT_EQ(std::get<TrainingJob>(s.workloads[0]).software.attention, workloads::AttentionKernel::triton);
}

TEST(ScenarioLoader, ReadsAHuggingFaceConfigRelativeToTheScenario) {
  const Scenario s = load_scenario_file(fixture("hf_config_model.json"));
  const auto& train = std::get<TrainingJob>(s.workloads[0]);
  EXPECT_EQ(train.model.layers, 22);
  EXPECT_EQ(train.model.hidden, 2048);
  EXPECT_EQ(train.model.kv_heads, 4);
  EXPECT_EQ(train.model.seq_len, 2048);
  EXPECT_EQ(train.parallelism.dp, 8);  // derived: one node of 8 GPUs at tp 1

  json doc = read_fixture_json("hf_config_model.json");
  doc["workloads"][0]["model"]["hf_config"] = "hf/missing.json";
  const Diagnostic d = at(problems_in(doc), "/workloads/0/model/hf_config");
  EXPECT_TRUE(mentions(d.message, "no such file")) << d.message;
}

TEST(ScenarioLoader, DerivesDpFromTheGpusTheOtherWorkloadsLeave) {
  json doc = valid_base();
  doc["workloads"][0]["parallelism"].erase("dp");
  const Scenario s = load_scenario(doc, "scenario.json");
  // 129 x 8 = 1032 GPUs, 8 for chat, 1024 left: dp = 1024 / (8 x 4).
  EXPECT_EQ(std::get<TrainingJob>(s.workloads[0]).parallelism.dp, 32);

  doc["workloads"][0]["parallelism"]["tp"] = 8;
  doc["workloads"][0]["parallelism"]["pp"] = 80;
  doc["cluster"]["nodes"] = 10;
  const Diagnostic d = at(problems_in(doc), "/workloads/0/parallelism");
  EXPECT_TRUE(mentions(d.message, "cannot derive dp")) << d.message;
}

TEST(ScenarioLoader, AcceptsLayersThatDoNotDivideEvenlyOverStages) {
  json doc = valid_base();
  doc["workloads"][0]["model"] = {{"preset", "llama3-405b"}};  // 126 layers
  doc["workloads"][0]["parallelism"] = {{"tp", 8}, {"pp", 16}, {"dp", 8}, {"global_batch", 2048}};
  const Scenario s = load_scenario(doc, "scenario.json");
  EXPECT_EQ(std::get<TrainingJob>(s.workloads[0]).model.layers, 126);

  doc["workloads"][0]["parallelism"]["pp"] = 127;
  doc["workloads"][0]["parallelism"]["dp"] = 1;
  const Diagnostic d = at(problems_in(doc), "/workloads/0/parallelism/pp");
  EXPECT_EQ(d.message, "pp (127) is more than layers (126)");
}

TEST(ScenarioLoader, HoldsTheInterleavedScheduleToMegatronsRules) {
  json doc = valid_base();
  auto& par = doc["workloads"][0]["parallelism"];
  par["virtual_stages"] = 5;  // 4 x 5 = 20 chunks of 4 layers; 32 micro-batches, a multiple of pp
  EXPECT_NO_THROW(load_scenario(doc, "scenario.json"));

  par["virtual_stages"] = 21;
  EXPECT_TRUE(mentions(at(problems_in(doc), "/workloads/0/parallelism/virtual_stages").message,
                       "pp x virtual_stages = 84 is more than layers (80)"));

  par["virtual_stages"] = 2;
  par["global_batch"] = 32 * 6;  // 6 micro-batches on 4 stages
  const Diagnostic d = at(problems_in(doc), "/workloads/0/parallelism/global_batch");
  EXPECT_TRUE(mentions(d.message, "micro-batch count (6) to be a multiple of pp (4)")) << d.message;
  EXPECT_EQ(d.hint, "use a global_batch that is a multiple of dp x micro_batch x pp = 128, e.g. 128 or 256");

  par["pp"] = 1;
  par["dp"] = 128;
  par["global_batch"] = 1024;
  EXPECT_EQ(at(problems_in(doc), "/workloads/0/parallelism/virtual_stages").message, "virtual_stages 2 needs pp > 1");
}

TEST(ScenarioLoader, NeedsSeqLenToSplitIntoTwiceCpChunks) {
  json doc = valid_base();
  auto& par = doc["workloads"][0]["parallelism"];
  par["cp"] = 2;
  par["dp"] = 16;
  EXPECT_NO_THROW(load_scenario(doc, "scenario.json"));
  doc["workloads"][0]["model"]["seq_len"] = 8190;
  EXPECT_EQ(at(problems_in(doc), "/workloads/0/parallelism/cp").message,
            "seq_len (8190) is not a multiple of 2 x cp (4)");
}

TEST(ScenarioLoader, ChecksExpertParallelism) {
  json doc = valid_base();
  doc["workloads"][0]["model"] = {{"preset", "mixtral-8x7b"}, {"seq_len", 4096}};
  auto& par = doc["workloads"][0]["parallelism"];
  par = {{"tp", 2}, {"pp", 4}, {"dp", 128}, {"ep", 8}, {"global_batch", 1024}};
  EXPECT_NO_THROW(load_scenario(doc, "scenario.json"));

  par["ep"] = 3;
  EXPECT_EQ(at(problems_in(doc), "/workloads/0/parallelism/ep").hint, "use an ep that divides 8: 1, 2, 4 or 8");

  par["ep"] = 8;
  par["dp"] = 4;
  par["global_batch"] = 64;
  EXPECT_TRUE(mentions(at(problems_in(doc), "/workloads/0/parallelism/ep").message, "does not divide dp x cp (4)"));

  json dense = valid_base();
  dense["workloads"][0]["parallelism"]["ep"] = 2;
  EXPECT_TRUE(mentions(at(problems_in(dense), "/workloads/0/parallelism/ep").message, "mixture-of-experts"));

  doc["workloads"][0]["model"]["top_k"] = 9;
  EXPECT_EQ(at(problems_in(doc), "/workloads/0/model/top_k").message, "top_k (9) is more than experts (8)");
}

TEST(ScenarioLoader, EinsumDispatchNeedsACapacityFactor) {
  json doc = valid_base();
  doc["workloads"][0]["model"] = {{"preset", "mixtral-8x7b"}, {"seq_len", 4096}, {"capacity_factor", 1.25}};
  doc["workloads"][0]["parallelism"] = {{"tp", 2}, {"pp", 4}, {"dp", 128}, {"ep", 8}, {"global_batch", 1024}};
  doc["workloads"][0]["software"] = {{"moe_dispatch", "einsum"}};
  EXPECT_NO_THROW(load_scenario(doc, "scenario.json"));

  doc["workloads"][0]["model"].erase("capacity_factor");
  const auto problem = at(problems_in(doc), "/workloads/0/software/moe_dispatch");
  EXPECT_TRUE(mentions(problem.message, "no capacity_factor"));
  EXPECT_TRUE(mentions(problem.hint, "capacity_factor"));

  doc["workloads"][0]["model"]["capacity_factor"] = -1;
  EXPECT_FALSE(problems_in(doc).empty());
}

TEST(ScenarioLoader, ReadsSharedExpertsGroupLimitedRoutingAndTheDispatcher) {
  json doc = valid_base();
  doc["workloads"][0]["model"] = {{"preset", "mixtral-8x7b"}, {"seq_len", 4096}, {"shared_experts", 1},
                                  {"router_groups", 4}, {"router_group_topk", 2}};
  doc["workloads"][0]["parallelism"] = {{"tp", 2}, {"pp", 4}, {"dp", 128}, {"ep", 8}, {"global_batch", 1024}};
  doc["workloads"][0]["software"] = {{"moe_dispatcher", "deepep"}};
  const auto job = std::get<workloads::TrainingJob>(load_scenario(doc, "scenario.json").workloads.front());
  EXPECT_EQ(job.model.shared_experts, 1);
  EXPECT_EQ(job.model.shared_expert_ffn_hidden, job.model.expert_ffn_hidden);  // one routed expert's width
  EXPECT_EQ(job.model.router_groups, 4);
  EXPECT_EQ(job.model.router_group_topk, 2);
  EXPECT_EQ(job.software.moe_dispatcher, workloads::MoeDispatcher::deepep);

  // Groups must split the 8 experts evenly, and leave each token room for its top_k (2) experts.
  doc["workloads"][0]["model"]["router_groups"] = 3;
  EXPECT_TRUE(mentions(at(problems_in(doc), "/workloads/0/model/router_groups").message, "does not divide experts"));
  doc["workloads"][0]["model"]["router_groups"] = 8;
  doc["workloads"][0]["model"]["router_group_topk"] = 1;
  const auto narrow = at(problems_in(doc), "/workloads/0/model/router_group_topk");
  EXPECT_TRUE(mentions(narrow.message, "top_k (2)"));
  EXPECT_TRUE(mentions(narrow.hint, "at least 2"));
  doc["workloads"][0]["model"].erase("router_group_topk");
  EXPECT_TRUE(mentions(at(problems_in(doc), "/workloads/0/model/router_groups").message, "needs both"));
  doc["workloads"][0]["model"].erase("router_groups");
  doc["workloads"][0]["software"]["moe_dispatcher"] = "nccl";
  EXPECT_FALSE(problems_in(doc).empty());

  // A dense model has no experts to share.
  json dense = valid_base();
  dense["workloads"][0]["model"]["shared_experts"] = 2;
  const auto problem = at(problems_in(dense), "/workloads/0/model/shared_experts");
  EXPECT_TRUE(mentions(problem.message, "mixture-of-experts"));
}

TEST(ScenarioLoader, FoldedExpertsLetEpSpanTheTensorParallelRanks) {
  // Qwen3-235B-A22B's Megatron-Bridge layout: TP 2, EP 32 over 16 data-parallel replicas (expert tensor parallel 1).
  json doc = valid_base();
  doc["workloads"][0]["model"] = {{"preset", "mixtral-8x7b"}, {"seq_len", 4096}, {"experts", 128}, {"top_k", 8}};
  doc["workloads"][0]["parallelism"] = {{"tp", 2},  {"pp", 4},  {"dp", 16}, {"ep", 32}, {"global_batch", 128},
                                        {"sequence_parallel", true}};
  const auto split = at(problems_in(doc), "/workloads/0/parallelism/ep");
  EXPECT_TRUE(mentions(split.message, "does not divide dp x cp"));
  EXPECT_TRUE(mentions(split.hint, "\"etp\": 1"));
  doc["workloads"][0]["parallelism"]["etp"] = 1;
  const auto job = std::get<workloads::TrainingJob>(load_scenario(doc, "scenario.json").workloads.front());
  EXPECT_TRUE(job.parallelism.experts_folded());
  EXPECT_EQ(job.parallelism.expert_data_parallel(), 1);  // 2 x 16 ranks of a stage over ep 32

  doc["workloads"][0]["parallelism"]["sequence_parallel"] = false;
  EXPECT_TRUE(mentions(at(problems_in(doc), "/workloads/0/parallelism/etp").message, "sequence parallelism"));
  doc["workloads"][0]["parallelism"]["sequence_parallel"] = true;
  doc["workloads"][0]["parallelism"]["ep"] = 64;
  EXPECT_TRUE(mentions(at(problems_in(doc), "/workloads/0/parallelism/ep").message, "tp x dp x cp"));
  doc["workloads"][0]["parallelism"]["ep"] = 32;
  doc["workloads"][0]["parallelism"]["tp"] = 4;
  doc["workloads"][0]["parallelism"]["etp"] = 2;
  EXPECT_TRUE(mentions(at(problems_in(doc), "/workloads/0/parallelism/etp").message, "neither 1 nor tp"));
}

TEST(ScenarioLoader, ActivationLayoutIsSeqFirstUnlessTold) {
  json doc = valid_base();
  EXPECT_EQ(std::get<workloads::TrainingJob>(load_scenario(doc, "scenario.json").workloads.front()).software.activation_layout,
            workloads::ActivationLayout::seq_first);
  doc["workloads"][0]["software"] = {{"activation_layout", "batch-first"}};
  EXPECT_EQ(std::get<workloads::TrainingJob>(load_scenario(doc, "scenario.json").workloads.front()).software.activation_layout,
            workloads::ActivationLayout::batch_first);
  doc["workloads"][0]["software"] = {{"zero3_gather", "copy-out"}};
  EXPECT_EQ(std::get<workloads::TrainingJob>(load_scenario(doc, "scenario.json").workloads.front()).software.zero3_gather,
            workloads::Zero3Gather::copy_out);
  doc["workloads"][0]["software"] = {{"activation_layout", "bsh"}};
  const auto problem = at(problems_in(doc), "/workloads/0/software/activation_layout");
  EXPECT_TRUE(mentions(problem.message + problem.hint, "batch-first"));
}

TEST(ScenarioLoader, ChecksHeadsAgainstKvHeadsAndHidden) {
  json doc = valid_base();
  doc["workloads"][0]["model"]["kv_heads"] = 6;
  EXPECT_EQ(at(problems_in(doc), "/workloads/0/model/kv_heads").message,
            "heads (64) is not a multiple of kv_heads (6)");

  doc = valid_base();
  doc["workloads"][0]["model"]["hidden"] = 8200;
  EXPECT_EQ(at(problems_in(doc), "/workloads/0/model/heads").message, "hidden (8200) is not a multiple of heads (64)");
  doc["workloads"][0]["model"]["head_dim"] = 128;
  EXPECT_NO_THROW(load_scenario(doc, "scenario.json"));

  doc = valid_base();
  doc["workloads"][0]["model"]["kv_heads"] = 4;
  doc["workloads"][0]["parallelism"]["tp"] = 8;  // 8 is a multiple of 4: each kv head is replicated
  EXPECT_NO_THROW(load_scenario(doc, "scenario.json"));
}

TEST(ScenarioLoader, RejectsUnitStringsOfTheWrongDimension) {
  json doc = valid_base();
  doc["cluster"]["scale_up"]["bandwidth"] = "2 us";
  doc["workloads"][0]["tokens"] = "80 GiB";
  doc["workloads"][1]["load"] = {{"mode", "poisson"}, {"rate", "400 Gb/s"}, {"duration", "1 h"}};
  const auto ds = problems_in(doc);
  ASSERT_EQ(ds.size(), 3u);
  EXPECT_TRUE(mentions(at(ds, "/cluster/scale_up/bandwidth").message, "unit of time"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/tokens").message, "expected a count"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/1/load/rate").message, "expected a frequency"));
}

TEST(ScenarioLoader, RequiresTheLoadFieldsOfEachMode) {
  json doc = valid_base();
  auto& load = doc["workloads"][1]["load"];
  load = {{"mode", "offline"}, {"requests", "10k"}};
  const Scenario s = load_scenario(doc, "scenario.json");
  EXPECT_EQ(std::get<InferenceJob>(s.workloads[1]).load.requests, 10000);

  load = {{"mode", "offline"}, {"users", 5}};
  const auto ds = problems_in(doc);
  EXPECT_TRUE(mentions(at(ds, "/workloads/1/load").message, "\"requests\" is missing"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/1/load/users").message, "applies only to mode \"concurrency\""));

  load = {{"mode", "closed"}};
  EXPECT_EQ(at(problems_in(doc), "/workloads/1/load/mode").hint,
            "use one of \"concurrency\", \"poisson\", \"gamma\", \"offline\" or \"trace\"");
}

TEST(ScenarioLoader, RejectsKeysOfTheOtherWorkloadKind) {
  json doc = valid_base();
  doc["workloads"][0]["replicas"] = 2;
  doc["workloads"][1]["tokens"] = "1T";
  const auto ds = problems_in(doc);
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_TRUE(mentions(at(ds, "/workloads/0/replicas").message, "does not apply to a training workload"));
  EXPECT_TRUE(mentions(at(ds, "/workloads/1/tokens").message, "does not apply to a inference workload"));
}

TEST(ScenarioLoader, ReadsSoftwareSimulationAndValidation) {
  json doc = valid_base();
  doc["workloads"][0]["software"] = {
      {"attention", "unfused"},        {"grad_reduce_precision", "bf16"},   {"overlap_grad_reduce", false},
      {"overlap_param_gather", false}, {"grad_accumulation_fusion", false}, {"dropout", true}};
  doc["simulation"] = {{"engine", "des"}, {"seed", 42}};
  doc["validation"] = {{"metric", "step_time_s"},
                       {"workload", "pretrain"},
                       {"measured", "7.5 s"},
                       {"source", "a paper, Table 3"},
                       {"label", "70B on 1024"}};
  const Scenario s = load_scenario(doc, "scenario.json");
  const auto& sw = std::get<TrainingJob>(s.workloads[0]).software;
  EXPECT_EQ(sw.attention, workloads::AttentionKernel::unfused);
  EXPECT_EQ(sw.grad_reduce, hw::Precision::bf16);
  EXPECT_FALSE(sw.overlap_grad_reduce);
  EXPECT_FALSE(sw.overlap_param_gather);
  EXPECT_FALSE(sw.grad_accumulation_fusion);
  EXPECT_TRUE(sw.dropout);
  EXPECT_EQ(s.simulation.engine, "des");
  EXPECT_EQ(s.simulation.seed, 42u);
  ASSERT_TRUE(s.validation.has_value());
  EXPECT_EQ(s.validation->workload, "pretrain");
  EXPECT_DOUBLE_EQ(s.validation->measured, 7.5);
  EXPECT_EQ(s.validation->label, "70B on 1024");

  doc["simulation"]["engine"] = "simgrid";
  doc["simulation"]["seed"] = -1;
  doc["validation"]["metric"] = "step_time";
  const auto ds = problems_in(doc);
  EXPECT_EQ(ds.size(), 3u);
  EXPECT_EQ(at(ds, "/validation/metric").hint, "did you mean \"step_time_s\"?");
}

TEST(ScenarioLoader, ReadsTheGpuHourPriceOfACostValidation) {
  json doc = valid_base();
  doc["validation"] = {{"metric", "cost_usd"},
                       {"workload", "pretrain"},
                       {"measured", "$5.328M"},
                       {"price_per_gpu_hour", "$2/h"}};
  const Scenario s = load_scenario(doc, "scenario.json");
  ASSERT_TRUE(s.validation.has_value());
  EXPECT_DOUBLE_EQ(s.validation->measured, 5.328e6);
  EXPECT_DOUBLE_EQ(s.validation->price_usd_per_gpu_s, 2.0 / 3600);

  doc["validation"] = {{"metric", "gpu_hours"}, {"workload", "pretrain"}, {"measured", "2.664M"}};
  const Scenario hours = load_scenario(doc, "scenario.json");
  EXPECT_DOUBLE_EQ(hours.validation->measured, 2.664e6);
  EXPECT_DOUBLE_EQ(hours.validation->price_usd_per_gpu_s, 0);
}

TEST(ScenarioLoader, RejectsACostValidationWithoutItsPriceAndAPriceOnAnotherMetric) {
  json doc = valid_base();
  doc["validation"] = {{"metric", "cost_usd"}, {"workload", "pretrain"}, {"measured", "$5.328M"}};
  EXPECT_TRUE(mentions(at(problems_in(doc), "/validation").message, "missing required key \"price_per_gpu_hour\""));

  doc["validation"]["price_per_gpu_hour"] = "$2";
  EXPECT_TRUE(mentions(at(problems_in(doc), "/validation/price_per_gpu_hour").message, "\"/h\""));

  doc["validation"]["price_per_gpu_hour"] = "$0/h";
  EXPECT_TRUE(mentions(at(problems_in(doc), "/validation/price_per_gpu_hour").message, "greater than 0"));

  doc["validation"] = {{"metric", "step_time_s"}, {"workload", "pretrain"}, {"measured", "7 s"},
                       {"price_per_gpu_hour", "$2/h"}};
  const Diagnostic d = at(problems_in(doc), "/validation/price_per_gpu_hour");
  EXPECT_TRUE(mentions(d.message, "only to the \"cost_usd\" metric")) << d.message;
}

TEST(ScenarioLoader, GpuHoursAndCostNeedATrainingWorkload) {
  json doc = valid_base();
  doc["validation"] = {{"metric", "gpu_hours"}, {"workload", "chat"}, {"measured", "1M"}};
  EXPECT_TRUE(mentions(at(problems_in(doc), "/validation/metric").message, "is an inference workload"));
  doc["validation"] = {{"metric", "cost_usd"}, {"workload", "chat"}, {"measured", "$2M"},
                       {"price_per_gpu_hour", "$2/h"}};
  EXPECT_TRUE(mentions(at(problems_in(doc), "/validation/metric").message, "\"cost_usd\" is the GPU time"));
}

TEST(ScenarioLoader, TakesClusterDefaultsFromTheGpu) {
  json doc = valid_base();
  doc["cluster"] = {{"gpu", "mi300x"}, {"nodes", 129}};
  doc["workloads"][1]["precision"] = "bf16";
  const Scenario s = load_scenario(doc, "scenario.json");
  const hw::GpuSpec& gpu = s.cluster.gpu;
  EXPECT_EQ(s.cluster.gpus_per_node, gpu.node.gpus_per_node);
  EXPECT_DOUBLE_EQ(s.cluster.scale_up.bw_Bps, gpu.scale_up.bw_Bps);
  EXPECT_DOUBLE_EQ(s.cluster.scale_out.nic_bw_Bps, gpu.node.nic_bw_Bps);
  EXPECT_EQ(s.cluster.scale_out.nics_per_node, gpu.node.nics_per_node);
}

TEST(ScenarioLoader, AddsTheUsersGpuCatalogFiles) {
  const Scenario s = load_scenario_file(fixture("user_catalog.json"));
  EXPECT_EQ(s.cluster.gpu.id, "acme-h100-4way");
  EXPECT_EQ(s.cluster.gpus_per_node, 4);
  EXPECT_EQ(std::get<TrainingJob>(s.workloads[0]).parallelism.dp, 2);  // 8 GPUs / tp 4

  json doc = read_fixture_json("user_catalog.json");
  doc["catalogs"] = {"catalogs/missing.json", "not_json.json", 7};
  const auto ds = [&] {
    try {
      load_scenario(doc, fixture("user_catalog.json"));
    } catch (const InputError& e) {
      return e.diagnostics();
    }
    return std::vector<Diagnostic>{};
  }();
  EXPECT_TRUE(mentions(at(ds, "/catalogs/0").message, "no such file"));
  bool syntax_error_in_catalog = false;
  for (const auto& d : ds)
    syntax_error_in_catalog |= d.file == fixture("not_json.json") && mentions(d.message, "line 4");
  EXPECT_TRUE(syntax_error_in_catalog);
  EXPECT_TRUE(mentions(at(ds, "/catalogs/2").message, "expected a string"));
  EXPECT_TRUE(mentions(at(ds, "/cluster/gpu").message, "unknown GPU \"acme-h100-4way\""));
}

TEST(ScenarioLoader, AcceptsSequenceParallelWithoutTensorParallelism) {
  json doc = valid_base();
  doc["workloads"][0]["parallelism"]["tp"] = 1;
  doc["workloads"][0]["parallelism"]["dp"] = 256;
  EXPECT_TRUE(std::get<TrainingJob>(load_scenario(doc, "scenario.json").workloads[0]).parallelism.sequence_parallel);
}

TEST(ScenarioLoader, RejectsNonFiniteNumbersInBuiltDocuments) {
  json doc = valid_base();
  doc["cluster"]["nodes"] = std::numeric_limits<double>::quiet_NaN();
  doc["cluster"]["scale_out"]["oversubscription"] = std::numeric_limits<double>::infinity();
  const auto ds = problems_in(doc);
  EXPECT_EQ(ds.size(), 2u);
  EXPECT_TRUE(mentions(at(ds, "/cluster/nodes").message, "found nan"));
}

TEST(ScenarioLoader, NeverCrashesOnDeeplyNestedInput) {
  const std::string deep = "{\"schema\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_THROW(load_scenario_text(deep, "deep.json"), InputError);
  EXPECT_THROW(load_scenario_text(std::string(100000, '['), "open.json"), InputError);
}

}  // namespace
}  // namespace capsim::planner
