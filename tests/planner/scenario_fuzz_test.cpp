// Feeds thousands of seeded mutants of valid scenarios to the loader: each must load or throw capsim::InputError
// with readable diagnostics, never crash, hang or throw anything else.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "planner/scenario.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

constexpr std::uint64_t fuzz_seed = 0x5ca1ab1e2026ull;
constexpr int mutants_per_base = 1000;

std::string fixture(const std::string& name) { return std::string(CAPSIM_TEST_FIXTURES) + "/scenarios/" + name; }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  /// A structural mutant of `doc` (one to four edits), as text.
  std::string mutate_tree(json doc) {
    const int edits = pick(1, 4);
    for (int i = 0; i < edits; ++i) edit(doc);
    return doc.dump();
  }

  /// A textual mutant: truncation, byte flips, deletions, insertions or a duplicated slice.
  std::string mutate_text(std::string text) {
    if (text.empty()) return text;
    switch (pick(0, 4)) {
      case 0:
        text.resize(static_cast<std::size_t>(pick(0, static_cast<int>(text.size()) - 1)));
        break;
      case 1:
        for (int i = pick(1, 8); i > 0; --i) text[index(text.size())] = static_cast<char>(pick(0, 255));
        break;
      case 2:
        text.erase(index(text.size()), static_cast<std::size_t>(pick(1, 40)));
        break;
      case 3: {
        static const std::vector<std::string> bits = {"{",     "}",    "[",    "]",    ",",  ":",  "\"",   "\\",  "-",
                                                      "1e999", "null", "\xff", "\xc3", "/*", "\n", "0x10", "NaN", "\t"};
        text.insert(index(text.size()), bits[index(bits.size())]);
        break;
      }
      default: {
        std::size_t from = index(text.size());
        std::size_t len = std::min<std::size_t>(text.size() - from, static_cast<std::size_t>(pick(1, 200)));
        text.insert(index(text.size()), text.substr(from, len));
      }
    }
    return text;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::size_t index(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  std::string random_string() {
    static const std::vector<std::string> pieces = {
        "a",  "Z", "0", "9", " ", "-", "_", "/", "~", ".", "\"", "\\", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x9a\x80",
        "\t", "%"};
    std::string s;
    for (int i = pick(0, 24); i > 0; --i) s += pieces[index(pieces.size())];
    return s;
  }

  json random_scalar() {
    static const std::vector<json> specials = {nullptr,
                                               true,
                                               false,
                                               0,
                                               -1,
                                               1,
                                               2,
                                               3,
                                               6,
                                               7,
                                               64,
                                               1023,
                                               2.5,
                                               -0.0,
                                               1e-300,
                                               1e300,
                                               -1e300,
                                               1e18,
                                               std::numeric_limits<std::int64_t>::max(),
                                               std::numeric_limits<std::int64_t>::min(),
                                               std::numeric_limits<std::uint64_t>::max(),
                                               4294967296LL,
                                               2147483648LL,
                                               -2147483649LL,
                                               1000000001,
                                               "",
                                               "0",
                                               "-5",
                                               "NaN",
                                               "nan",
                                               "inf",
                                               "-inf",
                                               "1e999",
                                               "15T",
                                               "1.5M",
                                               "4k",
                                               "400 Gb/s",
                                               "80 GiB",
                                               "2 us",
                                               "700 W",
                                               "50/s",
                                               "$2.49/h",
                                               "1 h",
                                               "3e21 FLOP",
                                               "989 TFLOP/s",
                                               "-400 Gb/s",
                                               "0 s",
                                               "1e400 GB/s",
                                               "  ",
                                               "bf16",
                                               "fp8",
                                               "int4",
                                               "e4m3",
                                               "training",
                                               "inference",
                                               "poisson",
                                               "offline",
                                               "llama3-70b",
                                               "mi300x",
                                               "h100-sxm5-80gb",
                                               "capsim/scenario/v1",
                                               "fat-tree",
                                               "selective",
                                               "des"};
    if (pick(0, 3) == 0) return random_string();
    if (pick(0, 3) == 0) return std::uniform_real_distribution<double>(-1e4, 1e4)(rng_);
    return specials[index(specials.size())];
  }

  json random_value(int depth) {
    const int kind = pick(0, depth > 2 ? 0 : 4);
    if (kind <= 2) return random_scalar();
    if (kind == 3) {
      json a = json::array();
      for (int i = pick(0, 3); i > 0; --i) a.push_back(random_value(depth + 1));
      return a;
    }
    json o = json::object();
    for (int i = pick(0, 3); i > 0; --i) o[random_key()] = random_value(depth + 1);
    return o;
  }

  std::string random_key() {
    static const std::vector<std::string> keys = {"schema",
                                                  "name",
                                                  "description",
                                                  "catalogs",
                                                  "cluster",
                                                  "gpu",
                                                  "nodes",
                                                  "gpus_per_node",
                                                  "scale_up",
                                                  "bandwidth",
                                                  "domain_gpus",
                                                  "latency",
                                                  "scale_out",
                                                  "topology",
                                                  "nics_per_node",
                                                  "nic_bandwidth",
                                                  "oversubscription",
                                                  "efficiency",
                                                  "workloads",
                                                  "kind",
                                                  "model",
                                                  "preset",
                                                  "hf_config",
                                                  "layers",
                                                  "hidden",
                                                  "ffn_hidden",
                                                  "heads",
                                                  "kv_heads",
                                                  "head_dim",
                                                  "vocab",
                                                  "seq_len",
                                                  "gated_mlp",
                                                  "tied_embeddings",
                                                  "experts",
                                                  "top_k",
                                                  "expert_ffn_hidden",
                                                  "parallelism",
                                                  "tp",
                                                  "pp",
                                                  "cp",
                                                  "dp",
                                                  "ep",
                                                  "micro_batch",
                                                  "global_batch",
                                                  "virtual_stages",
                                                  "sequence_parallel",
                                                  "recompute",
                                                  "zero",
                                                  "precision",
                                                  "tokens",
                                                  "software",
                                                  "attention",
                                                  "grad_accumulation_fusion",
                                                  "replicas",
                                                  "load",
                                                  "mode",
                                                  "users",
                                                  "rate",
                                                  "requests",
                                                  "duration",
                                                  "input_tokens",
                                                  "output_tokens",
                                                  "rate_curve",
                                                  "rates",
                                                  "burstiness",
                                                  "trace",
                                                  "distribution",
                                                  "serving",
                                                  "max_batched_tokens",
                                                  "kv_admission",
                                                  "slo",
                                                  "ttft_p90",
                                                  "disaggregation",
                                                  "prefill_replicas",
                                                  "simulation",
                                                  "engine",
                                                  "seed",
                                                  "validation",
                                                  "metric",
                                                  "workload",
                                                  "measured",
                                                  "_note",
                                                  "a/b",
                                                  "~0"};
    std::string k = keys[index(keys.size())];
    if (pick(0, 4) == 0 && !k.empty()) k[index(k.size())] = static_cast<char>('a' + pick(0, 25));  // a typo
    return k;
  }

  /// Every container and value of `doc`, by pointer.
  static void collect(const json& v, const json::json_pointer& at, std::vector<json::json_pointer>& out) {
    out.push_back(at);
    if (v.is_object()) {
      for (auto it = v.begin(); it != v.end(); ++it) collect(it.value(), at / it.key(), out);
    } else if (v.is_array()) {
      for (std::size_t i = 0; i < v.size(); ++i) collect(v[i], at / i, out);
    }
  }

  void edit(json& doc) {
    std::vector<json::json_pointer> nodes;
    collect(doc, json::json_pointer(), nodes);
    const json::json_pointer target = nodes[index(nodes.size())];
    json& node = doc[target];
    switch (pick(0, 6)) {
      case 0:  // delete a key or an element
        if (!target.empty()) {
          json& parent = doc[target.parent_pointer()];
          if (parent.is_object()) {
            parent.erase(target.back());
          } else if (parent.is_array() && !parent.empty()) {
            parent.erase(parent.begin() + static_cast<std::ptrdiff_t>(index(parent.size())));
          }
        }
        break;
      case 1:
      case 2:
        node = random_scalar();
        break;
      case 3:
        node = random_value(0);
        break;
      case 4:  // duplicate an array's elements, or wrap the value in an array
        if (node.is_array()) {
          json copy = node;
          for (auto& e : copy) node.push_back(e);
        } else {
          node = json::array({node, node});
        }
        break;
      case 5:
        if (node.is_object()) node[random_key()] = random_value(1);
        break;
      default:  // nudge a number to an edge
        if (node.is_number()) {
          static const std::vector<double> factors = {0, -1, 0.5, 1.5, 1000, 1e9, 1e300};
          node = node.get<double>() * factors[index(factors.size())];
        } else {
          node = random_scalar();
        }
    }
  }

  std::mt19937_64 rng_;
};

TEST(ScenarioFuzz, EveryMutantLoadsOrThrowsInputError) {
  const std::vector<std::string> bases = {"design_example_129_nodes.json", "design_example.json",
                                          "hf_config_model.json",          "user_catalog.json",
                                          "several_problems.json",         "three_problems.json",
                                          "inference_serving.json"};
  Mutator mutator(fuzz_seed);
  int mutants = 0, loaded = 0, rejected = 0;
  for (const auto& base : bases) {
    const std::string path = fixture(base);
    const std::string text = read_text(path);
    const json doc = json::parse(text);
    for (int i = 0; i < mutants_per_base; ++i) {
      const std::string mutant = (i % 3 == 2) ? mutator.mutate_text(text) : mutator.mutate_tree(doc);
      ++mutants;
      try {
        load_scenario_text(mutant, path);  // the real path, so that relative hf_config paths resolve
        ++loaded;
      } catch (const InputError& e) {
        ++rejected;
        ASSERT_FALSE(e.diagnostics().empty()) << mutant;
        for (const auto& d : e.diagnostics()) {
          ASSERT_FALSE(d.message.empty()) << mutant;
          // Diagnostics end up in JSON reports, so they must be valid UTF-8.
          ASSERT_NO_THROW((void)json(d.to_string()).dump()) << d.to_string();
        }
      } catch (const std::exception& e) {
        FAIL() << "mutant " << mutants << " of " << base << " threw " << e.what() << ":\n" << mutant;
      } catch (...) {
        FAIL() << "mutant " << mutants << " of " << base << " threw a non-standard exception:\n" << mutant;
      }
    }
  }
  EXPECT_GE(mutants, 5000);
  EXPECT_GT(loaded, 0);  // some mutants (a renamed workload, a comment key) stay valid
  EXPECT_GT(rejected, mutants / 2);
  std::cout << "[ fuzz     ] " << mutants << " mutants: " << loaded << " loaded, " << rejected << " rejected\n";
}

}  // namespace
}  // namespace capsim::planner
