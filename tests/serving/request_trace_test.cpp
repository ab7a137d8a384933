#include "sim/serving/request_trace.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace capsim::sim::serving {
namespace CAPSIM_UNITY_ID {

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

TEST(RequestTraceStream, ReadingInPiecesGivesWhatParsingTheTextGives) {
  // Over 1 MiB with CRLF ends, so that pieces split lines and "\r\n" pairs.
  std::string text = "arrival_s,input_tokens,output_tokens\r\n";
  for (int i = 0; i < 80000; ++i) text += std::to_string(i * 0.25) + "," + std::to_string(100 + i % 50) + ",20\r\n";
  std::vector<Diagnostic> p1, p2;
  const auto a = parse_request_trace(text, "t.csv", "s.json", "/workloads/0/load/trace", p1);
  std::istringstream in(text);
  const auto b = read_request_trace(in, "t.csv", "s.json", "/workloads/0/load/trace", p2);
  EXPECT_TRUE(p1.empty());
  EXPECT_TRUE(p2.empty());
  ASSERT_EQ(a.size(), 80000u);
  ASSERT_EQ(b.size(), a.size());
  for (std::size_t i = 0; i < a.size(); i += 1013) {
    EXPECT_EQ(a[i].arrival_s, b[i].arrival_s);
    EXPECT_EQ(a[i].input_tokens, b[i].input_tokens);
  }
}

TEST(RequestTraceStream, ALineLongerThanAMebibyteIsSkippedWithItsNumber) {
  std::istringstream in("arrival_s,input_tokens,output_tokens\n0,10,5\n" + std::string(2 << 20, '7') + "\n1,10,5\n");
  std::vector<Diagnostic> problems;
  const auto rows = read_request_trace(in, "t.csv", "s.json", "/workloads/0/load/trace", problems);
  EXPECT_EQ(rows.size(), 2u);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("t.csv line 3: the line is longer than"), std::string::npos)
      << problems[0].message;
}

}  // namespace
}  // namespace capsim::sim::serving
