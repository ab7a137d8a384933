#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/workloads/model_catalog.hpp"
#include "sim/core/error.hpp"

namespace capsim::workloads {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

json fixture(const std::string& name) {
  std::ifstream in(std::string(CAPSIM_TEST_FIXTURES) + "/hf/" + name);
  if (!in) throw std::runtime_error("cannot open fixture " + name);
  return json::parse(in);
}

/// The diagnostics model_from_hf_config throws, or an empty list if it accepts the config.
std::vector<Diagnostic> problems(const json& config) {
  try {
    model_from_hf_config(config, "config.json");
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

bool has_pointer(const std::vector<Diagnostic>& ds, const std::string& pointer) {
  return std::any_of(ds.begin(), ds.end(), [&](const Diagnostic& d) { return d.pointer == pointer; });
}

TEST(HfConfig, ReadsQwen2_0_5BWithTiedEmbeddingsAndGqa) {
  const TransformerModel m = model_from_hf_config(fixture("qwen2-0.5b-config.json"), "qwen2-0.5b-config.json");
  EXPECT_EQ(m.name, "qwen2");  // no _name_or_path in the published file
  EXPECT_EQ(m.layers, 24);
  EXPECT_EQ(m.hidden, 896);
  EXPECT_EQ(m.ffn_hidden, 4864);
  EXPECT_EQ(m.heads, 14);
  EXPECT_EQ(m.kv_heads, 2);
  EXPECT_EQ(m.head_dim, 0);
  EXPECT_EQ(m.vocab, 151936);
  EXPECT_TRUE(m.gated_mlp);
  EXPECT_TRUE(m.tied_embeddings);
  EXPECT_FALSE(m.is_moe());
  EXPECT_EQ(m.seq_len, 0);  // the caller sets it
}

TEST(HfConfig, Qwen2_0_5BHas494MillionParameters) {
  // 0.49B per the model card; QKV biases (about 0.1M) are not counted.
  const TransformerModel m = model_from_hf_config(fixture("qwen2-0.5b-config.json"), "qwen2");
  EXPECT_NEAR(m.parameters(), 494e6, 0.02 * 494e6);
}

TEST(HfConfig, ReadsMixtral8x7BAsAMixtureOfExpertsMatchingThePreset) {
  const TransformerModel m = model_from_hf_config(fixture("mixtral-8x7b-config.json"), "mixtral");
  EXPECT_EQ(m.name, "mixtral");
  EXPECT_TRUE(m.is_moe());
  EXPECT_EQ(m.experts, 8);
  EXPECT_EQ(m.top_k, 2);
  EXPECT_EQ(m.expert_ffn_hidden, 14336);
  EXPECT_EQ(m.kv_heads, 8);
  EXPECT_FALSE(m.tied_embeddings);
  EXPECT_NEAR(m.parameters(), 46.7e9, 0.01 * 46.7e9);
  EXPECT_NEAR(m.active_parameters(), 12.9e9, 0.01 * 12.9e9);
  const TransformerModel* preset = ModelCatalog::builtin().find("mixtral-8x7b");
  ASSERT_NE(preset, nullptr);
  EXPECT_DOUBLE_EQ(m.parameters(), preset->parameters());
  EXPECT_DOUBLE_EQ(m.active_parameters(), preset->active_parameters());
}

TEST(HfConfig, MissingHiddenSizeReportsItsPointerAndFile) {
  json config = fixture("qwen2-0.5b-config.json");
  config.erase("hidden_size");
  const auto ds = problems(config);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "/hidden_size");
  EXPECT_EQ(ds[0].file, "config.json");
  EXPECT_NE(ds[0].message.find("positive integer"), std::string::npos);
}

TEST(HfConfig, ReportsEveryProblemAtOnce) {
  json config = fixture("mixtral-8x7b-config.json");
  config.erase("num_hidden_layers");
  config["vocab_size"] = "32000";
  config["num_key_value_heads"] = 6;
  config["tie_word_embeddings"] = "no";
  config.erase("num_experts_per_tok");
  const auto ds = problems(config);
  EXPECT_EQ(ds.size(), 5u);
  EXPECT_TRUE(has_pointer(ds, "/num_hidden_layers"));
  EXPECT_TRUE(has_pointer(ds, "/vocab_size"));
  EXPECT_TRUE(has_pointer(ds, "/num_key_value_heads"));
  EXPECT_TRUE(has_pointer(ds, "/tie_word_embeddings"));
  EXPECT_TRUE(has_pointer(ds, "/num_experts_per_tok"));
}

TEST(HfConfig, PrefersNameOrPathAndDefaultsKvHeadsToHeads) {
  json config = fixture("qwen2-0.5b-config.json");
  config["_name_or_path"] = "Qwen/Qwen2-0.5B";
  config.erase("num_key_value_heads");
  config.erase("tie_word_embeddings");
  const TransformerModel m = model_from_hf_config(config, "config.json");
  EXPECT_EQ(m.name, "Qwen/Qwen2-0.5B");
  EXPECT_EQ(m.kv_heads, 14);
  EXPECT_FALSE(m.tied_embeddings);
}

TEST(HfConfig, GeluActivationMeansAPlainMlp) {
  json config = fixture("qwen2-0.5b-config.json");
  config["hidden_act"] = "gelu_new";
  EXPECT_FALSE(model_from_hf_config(config, "config.json").gated_mlp);
  config["hidden_act"] = "relu";
  EXPECT_FALSE(model_from_hf_config(config, "config.json").gated_mlp);
  config["hidden_act"] = "swiglu";
  EXPECT_TRUE(model_from_hf_config(config, "config.json").gated_mlp);
}

TEST(HfConfig, RejectsAnUnknownActivation) {
  json config = fixture("qwen2-0.5b-config.json");
  config["hidden_act"] = "sparkle";
  const auto ds = problems(config);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "/hidden_act");
}

TEST(HfConfig, HiddenMustDivideByHeadsUnlessHeadDimIsGiven) {
  json config = fixture("qwen2-0.5b-config.json");
  config["num_attention_heads"] = 12;
  config["num_key_value_heads"] = 4;
  EXPECT_TRUE(has_pointer(problems(config), "/num_attention_heads"));
  config["head_dim"] = 64;
  const TransformerModel m = model_from_hf_config(config, "config.json");
  EXPECT_EQ(m.head_dim, 64);
}

TEST(HfConfig, ReadsQwenMoeKeysAndItsSharedExpert) {
  json config = fixture("qwen2-0.5b-config.json");
  config["num_experts"] = 60;
  config["num_experts_per_tok"] = 4;
  config["moe_intermediate_size"] = 1408;
  TransformerModel m = model_from_hf_config(config, "config.json");
  EXPECT_EQ(m.experts, 60);
  EXPECT_EQ(m.top_k, 4);
  EXPECT_EQ(m.expert_ffn_hidden, 1408);
  EXPECT_EQ(m.shared_experts, 0);
  // Qwen1.5-MoE's shared expert: one dense MLP of this width beside the routed experts, in every token's path.
  config["shared_expert_intermediate_size"] = 5632;
  m = model_from_hf_config(config, "config.json");
  EXPECT_EQ(m.shared_experts, 1);
  EXPECT_EQ(m.shared_expert_ffn_hidden, 5632);
  EXPECT_DOUBLE_EQ(m.shared_ffn(), 5632);
  config["shared_expert_intermediate_size"] = "wide";
  EXPECT_TRUE(has_pointer(problems(config), "/shared_expert_intermediate_size"));
  config["shared_expert_intermediate_size"] = 0;
  EXPECT_EQ(model_from_hf_config(config, "config.json").shared_experts, 0);
  config["num_experts_per_tok"] = 61;
  EXPECT_TRUE(has_pointer(problems(config), "/num_experts_per_tok"));
}

TEST(HfConfig, RejectsArchitecturesItWouldCountWrong) {
  json config = fixture("mixtral-8x7b-config.json");
  config["kv_lora_rank"] = 512;
  EXPECT_TRUE(has_pointer(problems(config), "/kv_lora_rank"));
}

TEST(HfConfig, TreatsNullOptionalKeysAsAbsent) {
  json config = fixture("mixtral-8x7b-config.json");
  config["head_dim"] = nullptr;
  config["num_key_value_heads"] = nullptr;
  const TransformerModel m = model_from_hf_config(config, "config.json");
  EXPECT_EQ(m.head_dim, 0);
  EXPECT_EQ(m.kv_heads, 32);
}

TEST(HfConfig, RejectsANonObjectDocument) {
  const auto ds = problems(json::array({1, 2, 3}));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].pointer, "");
}

TEST(HfConfig, NeverCrashesOnStrangeValues) {
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
                                     18446744073709551615ull,
                                     -9223372036854775807LL - 1,
                                     9223372036854775808.0};
  const json base = fixture("mixtral-8x7b-config.json");
  for (const json& v : strange) {
    EXPECT_FALSE(problems(v).empty());
    for (const auto& [key, value] : base.items()) {
      json config = base;
      config[key] = v;
      try {
        model_from_hf_config(config, "fuzz.json");
      } catch (const InputError& e) {
        EXPECT_FALSE(e.diagnostics().empty()) << key;
      }
    }
  }
}

}  // namespace
}  // namespace capsim::workloads
