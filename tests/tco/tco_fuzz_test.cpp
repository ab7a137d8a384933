// Seeded mutants of the bundled studies and of a price-book file: each must load or throw capsim::InputError with
// readable diagnostics, never crash, hang or throw anything else.

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "planner/json_reader.hpp"
#include "planner/tco/price_book.hpp"
#include "planner/tco/study.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner::tco {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

constexpr std::uint64_t kSeed = 0x7c0f2026ull;
constexpr int kMutants = 400;

std::string source(const std::string& rel) { return std::string(CAPSIM_SOURCE_DIR) + "/" + rel; }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// Replaces, deletes or retypes one value somewhere in a JSON tree, or garbles its text.
class StudyMutator {
 public:
  explicit StudyMutator(std::uint64_t seed) : rng_(seed) {}

  std::string mutant(json doc) {
    if (pick(0, 4) == 0) return garble(dump(doc));
    for (int i = pick(1, 3); i > 0; --i) edit(doc);
    return dump(doc);
  }

 private:
  static std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::ignore); }

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  json scalar() {
    static const std::vector<json> values = {
        nullptr, true, 0, -1, 1, 50, 100, 101, 240, 241, 1e300, -1e300, 2.5, "", "NaN", "-$5/h", "$2.35/h",
        "$2.35", "2.35", "$184/kW-month", "$0.09/GB", "5 years", "6%", "150%", "15T", "20/s", "-20/s", "0/s",
        "on-demand", "spot", "committed-3y", "cloud", "on-prem", "hybrid", "aws-p5.48xlarge", "h100-sxm5-80gb",
        "mi300x", "../examples/default.json", "/dev/zero", "no-such.json", "\xff\xfe", json::array(), json::object()};
    return values[static_cast<std::size_t>(pick(0, static_cast<int>(values.size()) - 1))];
  }

  void edit(json& node) {
    if (node.is_object() && !node.empty() && pick(0, 2) > 0) {
      auto it = node.begin();
      std::advance(it, pick(0, static_cast<int>(node.size()) - 1));
      if (pick(0, 5) == 0) {
        node.erase(it.key());
      } else if (it->is_structured() && pick(0, 1) == 0) {
        edit(*it);
      } else {
        *it = scalar();
      }
    } else if (node.is_array() && !node.empty()) {
      const auto i = static_cast<std::size_t>(pick(0, static_cast<int>(node.size()) - 1));
      if (pick(0, 4) == 0) {
        node.push_back(node[i]);
      } else if (node[i].is_structured()) {
        edit(node[i]);
      } else {
        node[i] = scalar();
      }
    } else {
      node = scalar();
    }
  }

  std::string garble(std::string text) {
    switch (pick(0, 2)) {
      case 0: text.resize(static_cast<std::size_t>(pick(0, static_cast<int>(text.size())))); break;
      case 1:
        for (int i = pick(1, 6); i > 0; --i) text[static_cast<std::size_t>(pick(0, static_cast<int>(text.size()) - 1))] = static_cast<char>(pick(0, 255));
        break;
      default: text.insert(static_cast<std::size_t>(pick(0, static_cast<int>(text.size()))), "{[\"");
    }
    return text;
  }

  std::mt19937_64 rng_;
};

void expect_loads_or_explains(const std::string& text, const std::string& file) {
  try {
    load_study_text(text, file);
  } catch (const InputError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    for (const auto& d : e.diagnostics()) {
      EXPECT_FALSE(d.message.empty());
      EXPECT_FALSE(d.file.empty()) << d.to_string();
    }
  }
}

TEST(StudyFuzz, MutantsOfEveryBundledStudyLoadOrExplain) {
  StudyMutator m(kSeed);
  for (const char* name : {"70b-pretrain", "chat-growth", "mixed-lab"}) {
    const std::string file = source("scenarios/studies/") + name + ".json";
    const json doc = json::parse(read_text(file));
    for (int i = 0; i < kMutants; ++i) {
      const std::string text = m.mutant(doc);
      SCOPED_TRACE(text.substr(0, 400));
      ASSERT_NO_FATAL_FAILURE(expect_loads_or_explains(text, file));
    }
  }
}

TEST(PriceBookFuzz, MutantsOfTheBuiltInBookMergeOrExplain) {
  StudyMutator m(kSeed + 1);
  const json doc = json::parse(read_text(source("models/hardware/prices/on-prem.json")));
  for (int i = 0; i < kMutants; ++i) {
    const std::string text = m.mutant(doc);
    SCOPED_TRACE(text.substr(0, 400));
    JsonReader r("fuzz.json");
    std::vector<Diagnostic> diags;
    PriceBook book = PriceBook::builtin();
    if (auto parsed = parse_json_text(text, "fuzz.json", diags)) book.merge(*parsed, r, "fuzz.json");
    for (const auto& d : r.diagnostics()) EXPECT_FALSE(d.message.empty());
  }
}

}  // namespace
}  // namespace capsim::planner::tco
