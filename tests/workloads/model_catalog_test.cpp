#include "models/workloads/model_catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/core/embedded_file.hpp"
#include "sim/core/error.hpp"

namespace capsim::workloads {
std::vector<capsim::EmbeddedFile> builtin_model_catalog_files();
}  // namespace capsim::workloads

namespace capsim::workloads {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

const TransformerModel& preset(const std::string& name) {
  const TransformerModel* m = ModelCatalog::builtin().find(name);
  if (m == nullptr) throw std::runtime_error("no preset " + name);
  return *m;
}

/// The diagnostics add_document throws, or an empty list if it accepts the document.
std::vector<Diagnostic> problems(const json& doc) {
  ModelCatalog catalog;
  try {
    catalog.add_document(doc, "user-models.json");
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

bool has_pointer(const std::vector<Diagnostic>& ds, const std::string& pointer) {
  return std::any_of(ds.begin(), ds.end(), [&](const Diagnostic& d) { return d.pointer == pointer; });
}

json llama_like(const std::string& name) {
  return {{"name", name},  {"layers", 32},    {"hidden", 4096},  {"ffn_hidden", 14336}, {"heads", 32},
          {"kv_heads", 8}, {"vocab", 128256}, {"seq_len", 8192}, {"gated_mlp", true}};
}

json document(json models) { return {{"schema", "capsim/model-catalog/v1"}, {"models", std::move(models)}}; }

TEST(ModelCatalog, Llama3_8BHas8BillionParameters) {
  EXPECT_NEAR(preset("llama3-8b").parameters(), 8.03e9, 0.01 * 8.03e9);
}

TEST(ModelCatalog, Llama3_70BHas70BillionParameters) {
  EXPECT_NEAR(preset("llama3-70b").parameters(), 70.6e9, 0.01 * 70.6e9);
}

TEST(ModelCatalog, Llama3_405BHas405BillionParameters) {
  EXPECT_NEAR(preset("llama3-405b").parameters(), 405.9e9, 0.01 * 405.9e9);
}

TEST(ModelCatalog, Gpt3Has175BillionParameters) { EXPECT_NEAR(preset("gpt3-175b").parameters(), 175e9, 0.01 * 175e9); }

TEST(ModelCatalog, Mixtral8x7BHas46_7BillionTotalAnd12_9BillionActiveParameters) {
  const TransformerModel& m = preset("mixtral-8x7b");
  EXPECT_TRUE(m.is_moe());
  EXPECT_NEAR(m.parameters(), 46.7e9, 0.01 * 46.7e9);
  EXPECT_NEAR(m.active_parameters(), 12.9e9, 0.01 * 12.9e9);
}

TEST(ModelCatalog, DenseModelsUseEveryParameter) {
  for (const char* name : {"gpt3-175b", "llama3-8b", "llama3-70b", "llama3-405b"}) {
    EXPECT_EQ(preset(name).parameters(), preset(name).active_parameters()) << name;
  }
}

TEST(ModelCatalog, ListsEveryBuiltinPresetSorted) {
  const std::vector<std::string> expected = {"gpt3-175b", "llama3-405b", "llama3-70b", "llama3-8b", "mixtral-8x7b"};
  EXPECT_EQ(ModelCatalog::builtin().names(), expected);
  EXPECT_EQ(ModelCatalog::builtin().find("llama3-13b"), nullptr);
}

TEST(ModelCatalog, EveryBuiltinPresetNamesItsSource) {
  for (const EmbeddedFile& file : builtin_model_catalog_files()) {
    const json doc = json::parse(file.content);
    for (const json& model : doc.at("models")) {
      ASSERT_TRUE(model.contains("source")) << model.value("name", "?");
      EXPECT_GT(model.at("source").get<std::string>().size(), 20u) << model.value("name", "?");
    }
  }
}

TEST(ModelCatalog, BuiltinPresetsKeepTheirPublishedShapes) {
  const TransformerModel& m = preset("llama3-405b");
  EXPECT_EQ(m.layers, 126);
  EXPECT_EQ(m.hidden, 16384);
  EXPECT_EQ(m.ffn_hidden, 53248);
  EXPECT_EQ(m.heads, 128);
  EXPECT_EQ(m.kv_heads, 8);
  EXPECT_EQ(m.vocab, 128256);
  EXPECT_EQ(m.seq_len, 8192);
  EXPECT_TRUE(m.gated_mlp);
  const TransformerModel& x = preset("mixtral-8x7b");
  EXPECT_EQ(x.experts, 8);
  EXPECT_EQ(x.top_k, 2);
  EXPECT_EQ(x.expert_ffn_hidden, 14336);
}

TEST(TransformerModel, TiedEmbeddingsDropOneVocabByHiddenMatrix) {
  TransformerModel m = preset("llama3-8b");
  const double untied = m.parameters();
  m.tied_embeddings = true;
  EXPECT_DOUBLE_EQ(untied - m.parameters(), 128256.0 * 4096.0);
}

TEST(TransformerModel, ZeroHeadDimMeansHiddenOverHeads) {
  TransformerModel m = preset("llama3-70b");
  m.head_dim = 0;
  const double implied = m.parameters();
  m.head_dim = 8192 / 64;
  EXPECT_DOUBLE_EQ(implied, m.parameters());
}

TEST(TransformerModel, PlainMlpHasTwoMatricesAndGatedThree) {
  TransformerModel m;
  m.layers = 1;
  m.hidden = 8;
  m.ffn_hidden = 32;
  m.heads = 2;
  m.kv_heads = 2;
  m.vocab = 0;
  m.tied_embeddings = true;
  const double attention_and_norms = 4.0 * 8 * 8 + 3.0 * 8;
  EXPECT_DOUBLE_EQ(m.parameters(), attention_and_norms + 2.0 * 8 * 32);
  m.gated_mlp = true;
  EXPECT_DOUBLE_EQ(m.parameters(), attention_and_norms + 3.0 * 8 * 32);
}

TEST(TransformerModel, MoeCountsTheRouterInBothTotalAndActive) {
  TransformerModel m;
  m.layers = 1;
  m.hidden = 8;
  m.ffn_hidden = 16;
  m.heads = 2;
  m.kv_heads = 1;
  m.gated_mlp = true;
  m.tied_embeddings = true;
  m.experts = 4;
  m.top_k = 1;
  m.expert_ffn_hidden = 16;
  // Wq 8x8 + Wk, Wv 8x4 each + Wo 8x8, two layer norms, final norm.
  const double rest = 64 + 2 * 32 + 64 + 16 + 8;
  EXPECT_DOUBLE_EQ(m.parameters(), rest + 8 * 4 + 4 * 3 * 8 * 16);
  EXPECT_DOUBLE_EQ(m.active_parameters(), rest + 8 * 4 + 1 * 3 * 8 * 16);
}

TEST(ModelCatalog, AcceptsAValidDocumentAndLaterDocumentsOverrideEarlierOnes) {
  ModelCatalog catalog;
  catalog.add_document(document({llama_like("mine")}), "a.json");
  json bigger = llama_like("mine");
  bigger["layers"] = 40;
  catalog.add_document(document({bigger}), "b.json");
  ASSERT_NE(catalog.find("mine"), nullptr);
  EXPECT_EQ(catalog.find("mine")->layers, 40);
  EXPECT_EQ(catalog.find("mine")->kv_heads, 8);
  EXPECT_EQ(catalog.find("mine")->top_k, 0);
}

TEST(ModelCatalog, KvHeadsDefaultToHeads) {
  json m = llama_like("mha");
  m.erase("kv_heads");
  ModelCatalog catalog;
  catalog.add_document(document({m}), "a.json");
  EXPECT_EQ(catalog.find("mha")->kv_heads, 32);
}

TEST(ModelCatalog, ReportsEveryProblemWithFileAndPointer) {
  json bad_heads = llama_like("c");
  bad_heads["heads"] = "many";
  json bad_two = llama_like("d");
  bad_two["kv_heads"] = 5;
  bad_two.erase("vocab");
  bad_two["seq_len"] = -1;
  const auto ds = problems(document({llama_like("a"), llama_like("b"), bad_heads, bad_two}));
  ASSERT_EQ(ds.size(), 4u);
  EXPECT_TRUE(has_pointer(ds, "/models/2/heads"));
  EXPECT_TRUE(has_pointer(ds, "/models/3/kv_heads"));
  EXPECT_TRUE(has_pointer(ds, "/models/3"));  // missing vocab
  EXPECT_TRUE(has_pointer(ds, "/models/3/seq_len"));
  for (const auto& d : ds) EXPECT_EQ(d.file, "user-models.json");
  EXPECT_NE(ds[0].message.find("positive integer"), std::string::npos);
}

TEST(ModelCatalog, RejectsAWrongSchemaAndMissingModels) {
  const auto ds = problems(json{{"schema", "capsim/gpu-catalog/v1"}});
  EXPECT_TRUE(has_pointer(ds, "/schema"));
  EXPECT_TRUE(has_pointer(ds, ""));
  EXPECT_EQ(ds.size(), 2u);
}

TEST(ModelCatalog, RejectsUnknownKeysDuplicatesAndIncompleteExperts) {
  json typo = llama_like("typo");
  typo["hiden"] = 4096;
  json moe = llama_like("moe");
  moe["experts"] = 8;
  json too_many = llama_like("k");
  too_many["experts"] = 4;
  too_many["top_k"] = 5;
  json odd = llama_like("odd");
  odd["heads"] = 30;
  odd["kv_heads"] = 6;
  const auto ds = problems(document({typo, moe, too_many, odd, llama_like("k2"), llama_like("k2")}));
  EXPECT_TRUE(has_pointer(ds, "/models/0/hiden"));
  EXPECT_TRUE(has_pointer(ds, "/models/1"));
  EXPECT_TRUE(has_pointer(ds, "/models/2/top_k"));
  EXPECT_TRUE(has_pointer(ds, "/models/3/heads"));  // 30 does not divide 4096 and no head_dim
  EXPECT_TRUE(has_pointer(ds, "/models/5/name"));
  EXPECT_EQ(ds.size(), 5u);
}

TEST(ModelCatalog, AddsNothingFromADocumentWithAnyProblem) {
  ModelCatalog catalog;
  json bad = llama_like("bad");
  bad["layers"] = 0;
  EXPECT_THROW(catalog.add_document(document({llama_like("good"), bad}), "x.json"), InputError);
  EXPECT_TRUE(catalog.names().empty());
}

TEST(ModelCatalog, NeverCrashesOnStrangeValues) {
  const std::vector<json> strange = {nullptr,
                                     true,
                                     -3,
                                     0,
                                     2.5,
                                     4096.0,
                                     1e300,
                                     -1e300,
                                     "4096",
                                     "",
                                     json::array(),
                                     json::object(),
                                     json::array({1, 2}),
                                     18446744073709551615ull,
                                     -9223372036854775807LL - 1,
                                     9223372036854775808.0};
  const json base = json::parse(builtin_model_catalog_files().at(0).content);
  int accepted = 0;
  auto run = [&](const json& doc) {
    try {
      ModelCatalog catalog;
      catalog.add_document(doc, "fuzz.json");
      ++accepted;
    } catch (const InputError& e) {
      EXPECT_FALSE(e.diagnostics().empty());
    }
  };
  for (const json& v : strange) {
    run(v);
    json doc = base;
    doc["models"] = v;
    run(doc);
    doc = base;
    doc["models"][0] = v;
    run(doc);
    for (const auto& [key, value] : base["models"][4].items()) {
      doc = base;
      doc["models"][4][key] = v;
      run(doc);
    }
  }
  EXPECT_GT(accepted, 0);  // 4096.0 in an integer field, true in a boolean field, ...
}

}  // namespace
}  // namespace capsim::workloads
