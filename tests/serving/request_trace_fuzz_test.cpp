// Feeds seeded mutants of request traces (our CSV and the Azure format) to the trace reader: each must give rows or
// diagnostics naming the trace (and its line), never crash, hang or throw.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "sim/serving/request_trace.hpp"

namespace capsim::sim::serving {
namespace CAPSIM_UNITY_ID {

constexpr std::uint64_t kSeed = 0x7eace2026ull;
constexpr int kMutantsPerBase = 2000;

const std::vector<std::string> kBases = {
    "arrival_s,input_tokens,output_tokens\n0,1500,300\n0.25,800,120\n# a comment\n1.5,20000,1\n",
    "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n"
    "2023-11-16 18:15:50.9951690,396,109\n",
};

/// Truncations, byte flips (binary junk, UTF-16-like NULs), deletions, duplicated and very long slices.
std::string mutate(std::string text, std::mt19937_64& rng) {
  auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
  switch (pick(0, 5)) {
    case 0:
      text.resize(pick(0, text.size()));
      break;
    case 1:
      for (std::size_t i = pick(1, 8); i > 0; --i) text[pick(0, text.size() - 1)] = static_cast<char>(pick(0, 255));
      break;
    case 2:
      text.erase(pick(0, text.size() - 1), pick(1, 20));
      break;
    case 3: {
      const std::size_t from = pick(0, text.size() - 1);
      text.insert(pick(0, text.size()), text.substr(from, pick(1, 30)));
      break;
    }
    case 4: {
      std::string wide;
      for (char c : text) wide += std::string{c, '\0'};
      text = wide;
      break;
    }
    default:
      text.insert(pick(0, text.size()), std::string(pick(1, 100000), static_cast<char>(pick(32, 126))));
      break;
  }
  return text;
}

TEST(RequestTraceFuzz, MutantsGiveRowsOrLineDiagnosticsNeverACrash) {
  std::mt19937_64 rng(kSeed);
  int with_rows = 0, with_problems = 0;
  for (const std::string& base : kBases) {
    for (int i = 0; i < kMutantsPerBase; ++i) {
      const std::string text = mutate(base, rng);
      std::vector<Diagnostic> problems;
      std::vector<workloads::TraceRequest> rows;
      ASSERT_NO_THROW(rows = parse_request_trace(text, "t.csv", "s.json", "/workloads/0/load/trace", problems))
          << text.substr(0, 200);
      for (const auto& p : problems) {
        EXPECT_EQ(p.pointer, "/workloads/0/load/trace");
        EXPECT_EQ(p.message.rfind("t.csv ", 0), 0u) << p.message;  // "t.csv line N: ..." or about the whole file
      }
      for (const auto& r : rows) {
        EXPECT_GE(r.arrival_s, 0);
        EXPECT_GE(r.input_tokens, 1);
        EXPECT_GE(r.output_tokens, 1);
      }
      (problems.empty() ? with_rows : with_problems) += 1;
    }
  }
  // Both outcomes occur: the mutants exercise the reader, not only its first check.
  EXPECT_GT(with_rows, 100);
  EXPECT_GT(with_problems, 100);
}

}  // namespace
}  // namespace capsim::sim::serving
