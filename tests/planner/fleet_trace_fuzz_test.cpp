// Feeds seeded mutants of the fleet trace fixtures (CapSim, Helios and PAI formats) to the trace reader: each must
// give jobs whose every field is finite and in range, or diagnostics naming the trace, never crash, hang or throw.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "planner/fleet_trace.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

constexpr std::uint64_t kSeed = 0xf1ee7ace2026ull;
constexpr int kMutantsPerBase = 1500;

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(CAPSIM_TEST_FIXTURES) + "/fleet/" + name, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Byte flips, truncations, duplicated lines, inserted commas, quotes, NULs, carriage returns, huge and negative
/// numbers.
std::string mutate(std::string text, std::mt19937_64& rng) {
  auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
  static const std::vector<std::string> inserts = {",",
                                                   "\"",
                                                   std::string(1, '\0'),
                                                   "\r",
                                                   "\n",
                                                   "1e999",
                                                   "-1e999",
                                                   "-5",
                                                   "1e308",
                                                   "nan",
                                                   "inf",
                                                   "99999999999",
                                                   "0",
                                                   "0.5",
                                                   "#",
                                                   "2020-13-45 25:61:61",
                                                   "15Q",
                                                   ",,,,"};
  for (std::size_t n = pick(1, 3); n > 0 && !text.empty(); --n) {
    switch (pick(0, 5)) {
      case 0:
        text.resize(pick(0, text.size()));
        break;
      case 1:
        for (std::size_t i = pick(1, 8); i > 0 && !text.empty(); --i) {
          text[pick(0, text.size() - 1)] = static_cast<char>(pick(0, 255));
        }
        break;
      case 2: {  // a whole line again, somewhere else
        const std::size_t from = text.rfind('\n', pick(0, text.size() - 1));
        const std::size_t start = from == std::string::npos ? 0 : from + 1;
        const std::size_t end = text.find('\n', start);
        const std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
        text.insert(pick(0, text.size()), line);
        break;
      }
      case 3:
        text.erase(pick(0, text.size() - 1), pick(1, 20));
        break;
      default:
        text.insert(pick(0, text.size()), inserts[pick(0, inserts.size() - 1)]);
        break;
    }
  }
  return text;
}

void expect_in_range(const TraceJobs& t) {
  ASSERT_EQ(t.lines.size(), t.jobs.size());
  ASSERT_EQ(t.gpu_types.size(), t.jobs.size());
  double previous = 0;
  for (const auto& j : t.jobs) {
    EXPECT_TRUE(std::isfinite(j.submit_s) && j.submit_s >= 0 && j.submit_s <= 1e10) << j.submit_s;
    EXPECT_GE(j.submit_s, previous);
    previous = j.submit_s;
    EXPECT_GE(j.gpus, 1);
    EXPECT_LE(j.gpus, 1'000'000);
    EXPECT_LT(j.team, t.team_names.size());
    EXPECT_LE(j.shape, t.shapes.size());
    EXPECT_TRUE(std::isfinite(j.estimate_s) && j.estimate_s >= 0 && j.estimate_s <= 1e9) << j.estimate_s;
    EXPECT_TRUE(std::isfinite(j.deadline_s) && j.deadline_s >= 0) << j.deadline_s;
    if (j.shape == 0) {
      EXPECT_TRUE(std::isfinite(j.duration_s) && j.duration_s > 0 && j.duration_s <= 1e9) << j.duration_s;
    } else {
      EXPECT_TRUE(std::isfinite(j.tokens) && j.tokens > 0 && j.tokens <= 1e16) << j.tokens;
      const TraceShape& s = t.shapes[j.shape - 1];
      EXPECT_EQ(j.gpus % (s.tp * s.pp * s.cp), 0);
    }
  }
  for (const auto& s : t.shapes) {
    for (int p : {s.tp, s.pp, s.cp, s.ep}) {
      EXPECT_GE(p, 1);
      EXPECT_LE(p, 1024);
    }
    EXPECT_FALSE(s.model.empty());
  }
}

TEST(FleetTraceFuzz, MutantsGiveValidJobsOrLineDiagnosticsNeverACrash) {
  const std::vector<std::pair<std::string, TraceFormat>> bases = {{fixture("capsim_small.csv"), TraceFormat::capsim},
                                                                  {fixture("helios_small.csv"), TraceFormat::helios},
                                                                  {fixture("pai_small.csv"), TraceFormat::pai}};
  std::mt19937_64 rng(kSeed);
  int with_jobs = 0, with_problems = 0;
  for (const auto& [base, format] : bases) {
    ASSERT_FALSE(base.empty());
    for (int i = 0; i < kMutantsPerBase; ++i) {
      const std::string text = mutate(base, rng);
      std::vector<Diagnostic> problems;
      TraceJobs t;
      ASSERT_NO_THROW(t = parse_fleet_trace(text, format, "t.csv", "s.json", "/fleet/trace", problems))
          << text.substr(0, 300);
      EXPECT_LE(problems.size(), 21u);
      for (const auto& p : problems) {
        EXPECT_EQ(p.pointer, "/fleet/trace");
        EXPECT_EQ(p.message.rfind("t.csv", 0), 0u) << p.message;
        for (char c : p.message) {
          EXPECT_TRUE(c >= 0x20 && c < 0x7f) << p.message;
        }
      }
      expect_in_range(t);
      if (problems.empty()) {
        EXPECT_FALSE(t.jobs.empty());
      }
      (problems.empty() ? with_jobs : with_problems) += 1;
    }
  }
  // Both outcomes occur: the mutants exercise the reader, not only its first check.
  EXPECT_GT(with_jobs, 300);
  EXPECT_GT(with_problems, 300);
}

}  // namespace
}  // namespace capsim::planner
