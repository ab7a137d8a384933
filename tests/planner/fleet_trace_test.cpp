#include "planner/fleet_trace.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

const std::string kFixtures = std::string(CAPSIM_TEST_FIXTURES) + "/fleet/";

TraceJobs parse(const std::string& text, std::vector<Diagnostic>& problems, TraceFormat format = TraceFormat::capsim) {
  return parse_fleet_trace(text, format, "jobs.csv", "fleet.json", "/fleet/traces/0", problems);
}

/// Parses text that must have no problems.
TraceJobs parse_clean(const std::string& text, TraceFormat format = TraceFormat::capsim) {
  std::vector<Diagnostic> problems;
  TraceJobs t = parse(text, problems, format);
  EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : problems[0].to_string());
  return t;
}

/// Parses text that must have exactly one problem and returns its message.
std::string only_problem(const std::string& text, TraceFormat format = TraceFormat::capsim) {
  std::vector<Diagnostic> problems;
  parse(text, problems, format);
  EXPECT_EQ(problems.size(), 1u);
  if (problems.empty()) return "";
  EXPECT_EQ(problems[0].file, "fleet.json");
  EXPECT_EQ(problems[0].pointer, "/fleet/traces/0");
  return problems[0].message;
}

TEST(FleetTrace, FormatNamesInEnumOrder) {
  EXPECT_EQ(trace_format_names(), (std::vector<std::string>{"capsim", "helios", "pai"}));
}

TEST(FleetTrace, CapsimFixtureParsesEveryField) {
  std::vector<Diagnostic> problems;
  const TraceJobs t = read_fleet_trace(kFixtures + "capsim_small.csv", TraceFormat::capsim, "s.json", "/p", problems);
  ASSERT_TRUE(problems.empty()) << problems[0].to_string();
  ASSERT_EQ(t.jobs.size(), 10u);
  ASSERT_EQ(t.lines.size(), 10u);
  ASSERT_EQ(t.gpu_types.size(), 10u);
  EXPECT_EQ(t.team_names, (std::vector<std::string>{"research", "product", "infra"}));
  const std::vector<double> submit = {0, 60, 60, 100, 160, 200, 320, 400, 520, 600};
  for (std::size_t i = 0; i < submit.size(); ++i) {
    EXPECT_EQ(t.jobs[i].submit_s, submit[i]) << i;
    EXPECT_EQ(t.lines[i], i + 3) << i;
  }
  ASSERT_EQ(t.shapes.size(), 4u);
  EXPECT_EQ(t.shapes[0].model, "llama3-8b");
  EXPECT_EQ(t.shapes[0].first_line, 3u);
  EXPECT_EQ(t.shapes[1].model, "llama3-70b");
  EXPECT_EQ(t.shapes[1].tp, 8);
  EXPECT_EQ(t.shapes[1].pp, 2);
  EXPECT_EQ(t.shapes[2].model, "llama3-405b");
  EXPECT_EQ(t.shapes[3].model, "mixtral-8x7b");
  // Model rows: tokens with count suffixes, deduplicated shapes, training by default.
  EXPECT_EQ(t.jobs[0].shape, 1u);
  EXPECT_EQ(t.jobs[0].tokens, 300e9);
  EXPECT_EQ(t.jobs[0].duration_s, 0);
  EXPECT_EQ(t.jobs[0].gpus, 64);
  EXPECT_EQ(t.jobs[4].shape, 1u);
  EXPECT_EQ(t.jobs[4].tokens, 1e12);
  EXPECT_EQ(t.jobs[3].shape, 2u);
  EXPECT_EQ(t.jobs[3].tokens, 1.5e12);
  EXPECT_EQ(t.jobs[3].kind, fleet::JobKind::training);
  EXPECT_EQ(t.jobs[8].tokens, 15e12);
  EXPECT_EQ(t.jobs[8].shape, 3u);
  EXPECT_EQ(t.jobs[9].kind, fleet::JobKind::fine_tuning);
  // Duration rows.
  EXPECT_EQ(t.jobs[1].shape, 0u);
  EXPECT_EQ(t.jobs[1].duration_s, 3600);
  EXPECT_EQ(t.jobs[1].team, 1u);
  EXPECT_EQ(t.jobs[1].kind, fleet::JobKind::evaluation);
  EXPECT_EQ(t.jobs[2].priority, 5);
  EXPECT_EQ(t.jobs[2].kind, fleet::JobKind::fine_tuning);
  EXPECT_EQ(t.gpu_types[2], "h100-sxm5-80gb");
  EXPECT_EQ(t.gpu_types[1], "");
  EXPECT_EQ(t.jobs[5].kind, fleet::JobKind::other);
  EXPECT_EQ(t.jobs[5].team, 2u);
  EXPECT_EQ(t.jobs[7].kind, fleet::JobKind::evaluation);
  EXPECT_EQ(t.jobs[6].priority, 10);
  EXPECT_EQ(t.rows_skipped, 0);
}

TEST(FleetTrace, HeliosFixtureConvertsDatetimesAndSkipsZeroGpuJobs) {
  std::vector<Diagnostic> problems;
  const TraceJobs t = read_fleet_trace(kFixtures + "helios_small.csv", TraceFormat::helios, "s.json", "/p", problems);
  ASSERT_TRUE(problems.empty()) << problems[0].to_string();
  ASSERT_EQ(t.jobs.size(), 7u);
  // 00:00:06 and 00:01:36 are 90 s apart; 2020-04-01 23:59:59 to 2020-04-02 00:01:00 crosses midnight.
  const std::vector<double> submit = {0, 90, 294, 1194, 3594, 86393, 86454};
  const std::vector<int> gpus = {8, 1, 16, 4, 32, 8, 8};
  const std::vector<double> duration = {3600, 20, 7200, 10800, 86400, 1800, 7200};
  const std::vector<std::uint32_t> team = {0, 0, 1, 2, 0, 1, 2};
  for (std::size_t i = 0; i < submit.size(); ++i) {
    EXPECT_EQ(t.jobs[i].submit_s, submit[i]) << i;
    EXPECT_EQ(t.jobs[i].gpus, gpus[i]) << i;
    EXPECT_EQ(t.jobs[i].duration_s, duration[i]) << i;
    EXPECT_EQ(t.jobs[i].team, team[i]) << i;
    EXPECT_EQ(t.jobs[i].kind, fleet::JobKind::other) << i;
    EXPECT_EQ(t.jobs[i].shape, 0u) << i;
  }
  EXPECT_EQ(t.team_names, (std::vector<std::string>{"vc6YE", "vcLJZ", "vcHvQ"}));
  EXPECT_EQ(t.rows_skipped, 3);
  ASSERT_EQ(t.notes.size(), 3u);
  EXPECT_NE(t.notes[0].find("Skipped 2 rows that asked for 0 GPUs"), std::string::npos) << t.notes[0];
  EXPECT_NE(t.notes[1].find("Skipped 1 row with a duration of 0 s"), std::string::npos) << t.notes[1];
  EXPECT_NE(t.notes[2].find("Kept 3 jobs that ended FAILED"), std::string::npos) << t.notes[2];
}

TEST(FleetTrace, HeliosAcceptsPlainSeconds) {
  const TraceJobs t = parse_clean("vc,gpu_num,submit_time,duration\nA,2,1000.5,60\nB,1,1000,30\n", TraceFormat::helios);
  ASSERT_EQ(t.jobs.size(), 2u);
  EXPECT_EQ(t.jobs[0].submit_s, 0);
  EXPECT_EQ(t.jobs[1].submit_s, 0.5);
  EXPECT_EQ(t.team_names, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(t.jobs[0].team, 1u);
}

TEST(FleetTrace, HeliosBadDatetimeNamesLineAndColumn) {
  const std::string m =
      only_problem("vc,gpu_num,submit_time,duration\nA,2,2020-02-30 00:00:00,60\n", TraceFormat::helios);
  EXPECT_EQ(m.rfind("jobs.csv line 2, column 3 (submit_time): ", 0), 0u) << m;
}

TEST(FleetTrace, PaiFixtureRoundsFractionalGpusUpAndKeepsEstimates) {
  std::vector<Diagnostic> problems;
  const TraceJobs t = read_fleet_trace(kFixtures + "pai_small.csv", TraceFormat::pai, "s.json", "/p", problems);
  ASSERT_TRUE(problems.empty()) << problems[0].to_string();
  ASSERT_EQ(t.jobs.size(), 8u);
  const std::vector<double> submit = {0, 20, 100, 200, 300, 400, 500, 700};
  const std::vector<int> gpus = {1, 1, 8, 1, 2, 4, 16, 1};
  const std::vector<double> estimate = {3000, 0, 80000, 400, 0, 2000, 40000, 1000};
  const std::vector<std::uint32_t> team = {0, 1, 0, 1, 2, 3, 0, 1};
  const std::vector<std::string> type = {"V100", "T4", "V100M32", "T4", "P100", "V100", "V100M32", ""};
  for (std::size_t i = 0; i < submit.size(); ++i) {
    EXPECT_EQ(t.jobs[i].submit_s, submit[i]) << i;
    EXPECT_EQ(t.jobs[i].gpus, gpus[i]) << i;
    EXPECT_EQ(t.jobs[i].estimate_s, estimate[i]) << i;
    EXPECT_EQ(t.jobs[i].team, team[i]) << i;
    EXPECT_EQ(t.gpu_types[i], type[i]) << i;
  }
  EXPECT_EQ(t.jobs[2].duration_s, 86400);
  EXPECT_EQ(t.team_names[0], "a5b4b1c8a2f4");
  EXPECT_EQ(t.rows_skipped, 2);
  ASSERT_EQ(t.notes.size(), 3u);
  EXPECT_NE(t.notes[2].find("Rounded up 2 fractional GPU requests"), std::string::npos) << t.notes[2];
}

TEST(FleetTrace, PaiToleratesMissingOptionalColumns) {
  const TraceJobs t = parse_clean("user,submit_time,num_gpu,duration,extra\nu1,5,2,100,x\n", TraceFormat::pai);
  ASSERT_EQ(t.jobs.size(), 1u);
  EXPECT_EQ(t.jobs[0].estimate_s, 0);
  EXPECT_EQ(t.gpu_types[0], "");
}

TEST(FleetTrace, PaiEstimateNanIsUnknownAndJunkIsAProblem) {
  const TraceJobs t = parse_clean("user,submit_time,num_gpu,duration,user_dur\nu,0,1,60,NaN\n", TraceFormat::pai);
  ASSERT_EQ(t.jobs.size(), 1u);
  EXPECT_EQ(t.jobs[0].estimate_s, 0);
  const std::string m = only_problem("user,submit_time,num_gpu,duration,user_dur\nu,0,1,60,soon\n", TraceFormat::pai);
  EXPECT_EQ(m.rfind("jobs.csv line 2, column 5 (user_dur): ", 0), 0u) << m;
}

TEST(FleetTrace, DuplicateColumnIsAProblem) {
  const std::string m = only_problem("submit_time_s,team,gpus,duration_s,Team\n0,a,1,5,b\n");
  EXPECT_EQ(m, "jobs.csv line 1, column 5 (team): the column appears twice");
}

TEST(FleetTrace, MissingRequiredColumnsAreNamed) {
  EXPECT_NE(only_problem("user,submit_time,duration\nu,1,2\n", TraceFormat::pai).find("\"num_gpu\""),
            std::string::npos);
  const std::string m = only_problem("submit_time_s,team,gpus,model\n0,a,1,llama3-8b\n");
  EXPECT_EQ(m.rfind("jobs.csv line 1: ", 0), 0u) << m;
  EXPECT_NE(m.find("duration_s"), std::string::npos) << m;
}

TEST(FleetTrace, UnknownColumnGetsDidYouMean) {
  std::vector<Diagnostic> problems;
  const TraceJobs t = parse("submit_time_s,team,gpus,duraton_s,duration_s\n0,a,1,5,10\n", problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message, "jobs.csv line 1, column 4 (duraton_s): unknown column \"duraton_s\"");
  EXPECT_EQ(problems[0].hint, "did you mean \"duration_s\"?");
  EXPECT_EQ(t.jobs.size(), 1u);
}

TEST(FleetTrace, BadCellsNameLineColumnAndColumnName) {
  const std::string head = "submit_time_s,team,gpus,duration_s,model,tokens,tp,pp,deadline_s,kind\n";
  struct Case {
    std::string row, prefix;
  };
  const std::vector<Case> cases = {
      {"-1,a,1,5,,,,,,", "column 1 (submit_time_s)"},
      {"1e999,a,1,5,,,,,,", "column 1 (submit_time_s)"},
      {"0,,1,5,,,,,,", "column 2 (team)"},
      {"0,a,0,5,,,,,,", "column 3 (gpus)"},
      {"0,a,1.5,5,,,,,,", "column 3 (gpus)"},
      {"0,a,2000000,5,,,,,,", "column 3 (gpus)"},
      {"0,a,1,0,,,,,,", "column 4 (duration_s)"},
      {"0,a,1,abc,,,,,,", "column 4 (duration_s)"},
      {"0,a,1,5,llama3-8b,1T,,,,", "column 4 (duration_s): give duration_s or model+tokens, not both"},
      {"0,a,1,,,,,,,", "column 4 (duration_s): the row has neither"},
      {"0,a,8,,llama3-8b,,,,,", "column 4 (duration_s): the row has neither"},
      {"0,a,8,,llama3-8b,-5,,,,", "column 6 (tokens)"},
      {"0,a,8,,llama3-8b,1e17,,,,", "column 6 (tokens)"},
      {"0,a,8,,llama3-8b,1T,2000,,,", "column 7 (tp)"},
      {"0,a,8,,llama3-8b,1T,0,,,", "column 7 (tp)"},
      {"0,a,12,,llama3-8b,1T,8,,,", "column 3 (gpus): 12 GPUs is not a multiple of tp x pp x cp = 8 x 1 x 1 = 8"},
      {"0,a,1,5,,,2,,,", "column 7 (tp): applies to model rows only"},
      {"10,a,1,5,,,,,5,", "column 9 (deadline_s): the deadline is not after the submit time"},
      {"0,a,1,5,,,,,,trainning", "column 10 (kind): unknown job kind \"trainning\""},
      {"0,a,1,5", "column 5 (model): the row has 4 cells, the header names 10 columns"},
      {"0,a,1,5,,,,,,,", "column 11: the row has 11 cells"},
  };
  for (const Case& c : cases) {
    const std::string m = only_problem(head + c.row + "\n");
    EXPECT_EQ(m.rfind("jobs.csv line 2, " + c.prefix, 0), 0u) << c.row << " -> " << m;
  }
}

TEST(FleetTrace, KindSynonymsAndHint) {
  std::vector<Diagnostic> problems;
  const TraceJobs t = parse("submit_time_s,team,gpus,duration_s,kind\n0,a,1,5,finetune\n1,a,1,5,EVAL\n", problems);
  ASSERT_TRUE(problems.empty());
  EXPECT_EQ(t.jobs[0].kind, fleet::JobKind::fine_tuning);
  EXPECT_EQ(t.jobs[1].kind, fleet::JobKind::evaluation);
  problems.clear();
  parse("submit_time_s,team,gpus,duration_s,kind\n0,a,1,5,trainig\n", problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].hint, "did you mean \"training\"?");
}

TEST(FleetTrace, DeadlinesAndEstimatesShiftWithSubmitTimes) {
  const TraceJobs t = parse_clean("submit_time_s,team,gpus,duration_s,deadline_s,estimate_s\n1000,a,1,5,5000,7\n");
  ASSERT_EQ(t.jobs.size(), 1u);
  EXPECT_EQ(t.jobs[0].submit_s, 0);
  EXPECT_EQ(t.jobs[0].deadline_s, 4000);
  EXPECT_EQ(t.jobs[0].estimate_s, 7);
}

TEST(FleetTrace, SortIsStableAndKeepsLinesParallel) {
  const TraceJobs t =
      parse_clean("submit_time_s,team,gpus,duration_s,gpu_type\n30,c,1,5,x\n10,a,2,5,y\n30,b,3,5,z\n10,d,4,5,w\n");
  ASSERT_EQ(t.jobs.size(), 4u);
  const std::vector<int> gpus = {2, 4, 1, 3};
  const std::vector<std::size_t> lines = {3, 5, 2, 4};
  const std::vector<std::string> types = {"y", "w", "x", "z"};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(t.jobs[i].gpus, gpus[i]);
    EXPECT_EQ(t.lines[i], lines[i]);
    EXPECT_EQ(t.gpu_types[i], types[i]);
  }
  EXPECT_EQ(t.team_names, (std::vector<std::string>{"c", "a", "b", "d"}));
}

TEST(FleetTrace, ShapesDeduplicateOnModelAndParallelism) {
  const TraceJobs t = parse_clean(
      "submit_time_s,team,gpus,model,tokens,tp,micro_batch,global_batch\n"
      "0,a,8,llama3-8b,1e9,,,\n1,a,16,llama3-8b,2e9,1,1,\n2,a,8,llama3-8b,1e9,2,,\n3,a,8,llama3-8b,1e9,,2,512\n");
  ASSERT_EQ(t.shapes.size(), 3u);
  EXPECT_EQ(t.jobs[0].shape, 1u);
  EXPECT_EQ(t.jobs[1].shape, 1u);
  EXPECT_EQ(t.jobs[2].shape, 2u);
  EXPECT_EQ(t.jobs[3].shape, 3u);
  EXPECT_EQ(t.shapes[2].micro_batch, 2);
  EXPECT_EQ(t.shapes[2].global_batch, 512);
  EXPECT_EQ(t.shapes[2].first_line, 5u);
}

TEST(FleetTrace, CrlfQuotesCommentsAndNoTrailingNewline) {
  const TraceJobs t = parse_clean(
      "\xEF\xBB\xBF# comment\r\n  # indented comment\r\n\r\n\"Submit_Time_S\",TEAM,Gpus,duration_s\r\n"
      "0,\"team, with comma\",2,5\r\n# between\r\n 1 , \"b\" , 4 , 6 ");
  ASSERT_EQ(t.jobs.size(), 2u);
  EXPECT_EQ(t.team_names, (std::vector<std::string>{"team, with comma", "b"}));
  EXPECT_EQ(t.lines, (std::vector<std::size_t>{5, 7}));
  EXPECT_EQ(t.jobs[1].duration_s, 6);
}

TEST(FleetTrace, LoneCarriageReturnsEndLines) {
  const TraceJobs t = parse_clean("submit_time_s,team,gpus,duration_s\r0,a,1,5\r1,a,1,5\r");
  EXPECT_EQ(t.jobs.size(), 2u);
}

TEST(FleetTrace, BrokenQuoteIsAProblem) {
  const std::string m = only_problem("submit_time_s,team,gpus,duration_s\n0,\"a,1,5\n");
  EXPECT_EQ(m.rfind("jobs.csv line 2, column 2 (team): ", 0), 0u) << m;
}

TEST(FleetTrace, EmptyAndHeaderOnlyHaveNoJobs) {
  EXPECT_EQ(only_problem(""), "jobs.csv has no jobs");
  EXPECT_EQ(only_problem("# only a comment\n"), "jobs.csv has no jobs");
  EXPECT_EQ(only_problem("submit_time_s,team,gpus,duration_s"), "jobs.csv has no jobs");
  EXPECT_EQ(only_problem("vc,gpu_num,submit_time,duration\nA,0,5,5\n", TraceFormat::helios),
            "jobs.csv has no jobs (1 row skipped)");
}

TEST(FleetTrace, NulBytesAreReportedPrintably) {
  std::vector<Diagnostic> problems;
  const std::string nul(1, '\0');
  const std::string text = "submit_time_s,team,gpus,duration_s\n0,a" + nul + "b,1,5\n0,a,1" + nul + ",5\n";
  const TraceJobs t = parse(text, problems);
  EXPECT_TRUE(t.jobs.empty());
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].message.find("column 2 (team)"), std::string::npos);
  EXPECT_NE(problems[1].message.find("\"1?\""), std::string::npos) << problems[1].message;
}

TEST(FleetTrace, ListsTwentyProblemsThenCountsTheRest) {
  std::string text = "submit_time_s,team,gpus,duration_s\n";
  for (int i = 0; i < 30; ++i) text += "0,a,-1,5\n";
  text += "0,a,1,5\n";
  std::vector<Diagnostic> problems;
  const TraceJobs t = parse(text, problems);
  ASSERT_EQ(problems.size(), 21u);
  EXPECT_EQ(problems[19].message.rfind("jobs.csv line 21, column 3 (gpus): ", 0), 0u) << problems[19].message;
  EXPECT_EQ(problems[20].message, "jobs.csv: 10 more problems not listed");
  EXPECT_EQ(t.jobs.size(), 1u);
}

TEST(FleetTrace, ReadMissingFileIsAProblem) {
  std::vector<Diagnostic> problems;
  const TraceJobs t = read_fleet_trace(kFixtures + "no_such.csv", TraceFormat::capsim, "s.json", "/p", problems);
  EXPECT_TRUE(t.jobs.empty());
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/p");
}

TEST(FleetTrace, ManyRowsParseInOrder) {
  std::string text = "submit_time_s,team,gpus,duration_s,model,tokens\n";
  constexpr int kRows = 100000;
  for (int i = 0; i < kRows; ++i) {
    text += i % 2 ? std::to_string(i) + ",team" + std::to_string(i % 7) + ",8,3600,,\n"
                  : std::to_string(i) + ",team" + std::to_string(i % 7) + ",8,,llama3-8b,1T\n";
  }
  const TraceJobs t = parse_clean(text);
  ASSERT_EQ(t.jobs.size(), static_cast<std::size_t>(kRows));
  EXPECT_EQ(t.team_names.size(), 7u);
  EXPECT_EQ(t.shapes.size(), 1u);
  EXPECT_EQ(t.jobs.back().submit_s, kRows - 1);
}

}  // namespace
}  // namespace capsim::planner

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

TEST(FleetTraceStream, ReadingAFileInPiecesGivesWhatParsingItsTextGives) {
  // Over 1 MiB, CRLF line ends, so that pieces split lines and "\r\n" pairs.
  std::string text = "submit_time_s,team,gpus,duration_s\r\n";
  for (int i = 0; i < 60000; ++i) text += std::to_string(i) + ",team" + std::to_string(i % 7) + ",8,3600\r\n";
  const std::string path = ::testing::TempDir() + "/stream.csv";
  {
    std::ofstream(path, std::ios::binary) << text;
  }
  std::vector<Diagnostic> p1, p2;
  const TraceJobs a = parse_fleet_trace(text, TraceFormat::capsim, path, "s.json", "/fleet/trace", p1);
  const TraceJobs b = read_fleet_trace(path, TraceFormat::capsim, "s.json", "/fleet/trace", p2);
  EXPECT_TRUE(p1.empty());
  EXPECT_TRUE(p2.empty());
  ASSERT_EQ(a.jobs.size(), 60000u);
  ASSERT_EQ(b.jobs.size(), a.jobs.size());
  for (std::size_t i = 0; i < a.jobs.size(); i += 997) {
    EXPECT_EQ(a.jobs[i].submit_s, b.jobs[i].submit_s);
    EXPECT_EQ(a.jobs[i].team, b.jobs[i].team);
    EXPECT_EQ(a.lines[i], b.lines[i]);
  }
  EXPECT_EQ(b.lines.back(), 60001u);
}

TEST(FleetTraceStream, ALineLongerThanAMebibyteIsSkippedWithItsLineNumber) {
  const std::string path = ::testing::TempDir() + "/long.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "submit_time_s,team,gpus,duration_s\n0,a,8,100\n" << std::string(3 << 20, 'x') << "\n5,a,8,100";
  }
  std::vector<Diagnostic> problems;
  const TraceJobs t = read_fleet_trace(path, TraceFormat::capsim, "s.json", "/fleet/trace", problems);
  EXPECT_EQ(t.jobs.size(), 2u);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("line 3"), std::string::npos) << problems[0].message;
  EXPECT_NE(problems[0].message.find("longer than"), std::string::npos) << problems[0].message;
}

TEST(FleetTraceStream, AFolderOrAMissingFileIsAProblemNotACrash) {
  std::vector<Diagnostic> problems;
  read_fleet_trace(::testing::TempDir(), TraceFormat::capsim, "s.json", "/fleet/trace", problems);
  read_fleet_trace(::testing::TempDir() + "/no-such.csv", TraceFormat::capsim, "s.json", "/fleet/trace", problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].message.find("directory"), std::string::npos);
  EXPECT_NE(problems[1].message.find("no such file"), std::string::npos);
}

}  // namespace
}  // namespace capsim::planner
