#include "sim/serving/request_trace.hpp"

#include <gtest/gtest.h>

namespace capsim::sim::serving {
namespace {

std::vector<workloads::TraceRequest> parse(const std::string& text, std::vector<Diagnostic>& problems) {
  return parse_request_trace(text, "t.csv", "s.json", "/workloads/0/load/trace", problems);
}

TEST(RequestTrace, ReadsSecondsAndSortsByArrival) {
  std::vector<Diagnostic> problems;
  const auto rows = parse("# a comment\narrival_s,input_tokens,output_tokens\n5.5,100,20\n2.5,50,0\n", problems);
  ASSERT_TRUE(problems.empty()) << problems.front().to_string();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(rows[0].arrival_s, 0);
  EXPECT_EQ(rows[0].input_tokens, 50);
  EXPECT_EQ(rows[0].output_tokens, 1);  // 0 output tokens still emit the first
  EXPECT_DOUBLE_EQ(rows[1].arrival_s, 3);
}

TEST(RequestTrace, ReadsTheAzureTraceFormat) {
  std::vector<Diagnostic> problems;
  const auto rows = parse(
      "TIMESTAMP,ContextTokens,GeneratedTokens\n"
      "2023-11-16 18:15:46.6805900,374,44\n"
      "2023-11-16 18:15:50.9951690,396,109\n"
      "2023-11-17 00:00:00.0000000,10,10\n",
      problems);
  ASSERT_TRUE(problems.empty()) << problems.front().to_string();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_NEAR(rows[1].arrival_s, 4.314579, 1e-6);
  EXPECT_NEAR(rows[2].arrival_s, 5 * 3600 + 44 * 60 + 13.31941, 1e-5);  // across midnight
  EXPECT_EQ(rows[1].input_tokens, 396);
}

TEST(RequestTrace, NamesTheFileLineAndWhatWasExpected) {
  std::vector<Diagnostic> problems;
  parse("arrival_s,input_tokens,output_tokens\n1,100,10\nsoon,100,10\n2,-4,10\n3,100\n", problems);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].file, "s.json");
  EXPECT_EQ(problems[0].pointer, "/workloads/0/load/trace");
  EXPECT_NE(problems[0].message.find("t.csv line 3"), std::string::npos);
  EXPECT_NE(problems[1].message.find("line 4"), std::string::npos);
  EXPECT_NE(problems[2].message.find("line 5"), std::string::npos);
  EXPECT_FALSE(problems[0].hint.empty());

  problems.clear();
  parse("when,prompt,answer\n1,2,3\n", problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].hint.find("arrival_s,input_tokens,output_tokens"), std::string::npos);
}

}  // namespace
}  // namespace capsim::sim::serving
