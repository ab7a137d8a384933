// The `fleet` block of a scenario: what it reads, and a clear message for every bad input (file, JSON path or trace
// line and column, what to change).

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "planner/fleet_json.hpp"
#include "planner/fleet_trace.hpp"
#include "planner/fleet_trace_pai.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

namespace fs = std::filesystem;

class FleetScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("capsim-fleet-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Writes `text` to `name` in the test's folder and returns the scenario path beside it.
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }

  /// A scenario on 16 H100s whose fleet block is `fleet`.
  Scenario load(const std::string& fleet, const std::string& extra = "") {
    const std::string path = write("s.json", R"({"schema": "capsim/scenario/v1", "name": "t",
      "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 2}, )" + extra + R"("fleet": )" + fleet + "}");
    return load_scenario_file(path);
  }

  /// The messages of the InputError loading `fleet` throws (empty when it loads).
  std::string problems(const std::string& fleet, const std::string& extra = "") {
    try {
      load(fleet, extra);
    } catch (const InputError& e) {
      std::string all;
      for (const auto& d : e.diagnostics()) all += d.to_string() + "\n";
      return all;
    }
    return "";
  }

  fs::path dir_;
};

TEST_F(FleetScenario, ReadsTeamsTraceAndPolicy) {
  write("jobs.csv", "submit_time_s,team,gpus,duration_s\n10,x,8,100\n0,y,16,50\n");
  const Scenario s = load(R"({"policy": "quota-borrow", "placement": "spread", "trace": "jobs.csv",
    "teams": [{"name": "x", "quota_gpus": 8, "weight": 2, "borrowing_limit": 4}, {"name": "y", "quota_gpus": 8}],
    "failures": {"repair_time": "2 h"}, "restart_overhead": "30 s", "horizon": "7 d"})");
  ASSERT_TRUE(s.fleet.has_value());
  const auto& spec = s.fleet->spec;
  EXPECT_TRUE(s.workloads.empty());
  EXPECT_EQ(spec.policy, fleet::Policy::quota_borrow);
  EXPECT_EQ(spec.placement, fleet::Placement::spread);
  ASSERT_EQ(spec.teams.size(), 2u);
  EXPECT_EQ(spec.teams[0].weight, 2);
  EXPECT_EQ(spec.teams[0].borrowing_limit, 4);
  ASSERT_EQ(spec.jobs.size(), 2u);
  EXPECT_EQ(spec.jobs[0].team, 1u);  // y's job comes first (submitted at 0)
  EXPECT_EQ(spec.jobs[1].submit_s, 10);
  EXPECT_EQ(spec.repair_s, 7200);
  EXPECT_EQ(spec.restart_s, 30);
  EXPECT_EQ(spec.horizon_s, 7 * 86400);
  EXPECT_EQ(spec.shapes.front().job.model.hidden, 4096);  // the reference workload: llama3-8b
}

TEST_F(FleetScenario, TeamsComeFromTheJobsWhenNotDeclared) {
  write("jobs.csv", "submit_time_s,team,gpus,duration_s\n0,a,1,100\n5,b,2,100\n");
  const Scenario s = load(R"({"trace": "jobs.csv", "generators": [{"mix": "llm-lab", "team": "c",
    "mean_interarrival": "1 h", "jobs": 10}]})");
  ASSERT_EQ(s.fleet->spec.teams.size(), 3u);
  EXPECT_EQ(s.fleet->spec.teams[2].name, "c");
  EXPECT_EQ(s.fleet->spec.jobs.size(), 12u);
  EXPECT_EQ(s.fleet->generated_jobs, 10);
}

TEST_F(FleetScenario, ModelRowsGetTheirDurationFromTheAnalyticalEngine) {
  write("jobs.csv", "submit_time_s,team,gpus,model,tokens,tp\n0,a,16,llama3-8b,1B,8\n");
  const Scenario s = load(R"({"trace": "jobs.csv", "failures": false})");
  const PreparedFleet p = prepare_fleet(s);
  const fleet::FleetResult r = run_fleet_scenario(p);
  ASSERT_EQ(r.jobs_completed, 1);
  // 1e9 tokens at 16 H100s: tens of minutes to a few hours, not seconds and not days.
  EXPECT_GT(r.jct.mean, 600);
  EXPECT_LT(r.jct.mean, 6 * 3600);
}

TEST_F(FleetScenario, AJobLargerThanTheClusterNamesItsTraceLine) {
  write("jobs.csv", "submit_time_s,team,gpus,duration_s\n0,a,8,100\n5,a,64,100\n");
  const std::string p = problems(R"({"trace": "jobs.csv"})");
  EXPECT_NE(p.find("/fleet/trace"), std::string::npos) << p;
  EXPECT_NE(p.find("line 3"), std::string::npos) << p;
  EXPECT_NE(p.find("64 GPUs but the cluster has 16"), std::string::npos) << p;
}

TEST_F(FleetScenario, AMalformedTraceRowNamesLineAndColumn) {
  write("jobs.csv", "submit_time_s,team,gpus,duration_s\n0,a,8,100\n5,a,eight,100\n");
  const std::string p = problems(R"({"trace": "jobs.csv"})");
  EXPECT_NE(p.find("line 3, column 3 (gpus)"), std::string::npos) << p;
}

TEST_F(FleetScenario, ATeamQuotaOverTheClusterIsAnError) {
  const std::string p = problems(R"({"teams": [{"name": "a", "quota_gpus": 64}],
    "generators": [{"mix": "philly-gavel", "team": "a", "rate": "6/h", "jobs": 5}]})");
  EXPECT_NE(p.find("/fleet/teams/0/quota_gpus"), std::string::npos) << p;
  EXPECT_NE(p.find("quota of 64 GPUs but the cluster has 16"), std::string::npos) << p;
}

TEST_F(FleetScenario, QuotasAddingUpOverTheClusterAreAnError) {
  const std::string p = problems(R"({"teams": [{"name": "a", "quota_gpus": 12}, {"name": "b", "quota_gpus": 8}],
    "generators": [{"mix": "philly-gavel", "team": "a", "rate": "6/h", "jobs": 5}]})");
  EXPECT_NE(p.find("add up to 20 GPUs"), std::string::npos) << p;
}

TEST_F(FleetScenario, AnUnknownPolicyGetsADidYouMean) {
  const std::string p = problems(R"({"policy": "fifo-backfil",
    "generators": [{"mix": "philly-gavel", "rate": "6/h", "jobs": 5}]})");
  EXPECT_NE(p.find("/fleet/policy"), std::string::npos) << p;
  EXPECT_NE(p.find("fifo-backfill"), std::string::npos) << p;
}

TEST_F(FleetScenario, QuotaPoliciesNeedQuotas) {
  const std::string p = problems(R"({"policy": "quota", "generators": [{"mix": "philly-gavel", "rate": "6/h",
    "jobs": 5}]})");
  EXPECT_NE(p.find("needs team quotas"), std::string::npos) << p;
}

TEST_F(FleetScenario, AFleetWithoutJobsOrAnEndIsAnError) {
  EXPECT_NE(problems(R"({"policy": "fifo"})").find("the fleet has no jobs"), std::string::npos);
  const std::string p = problems(R"({"generators": [{"mix": "llm-lab", "rate": "6/h"}]})");
  EXPECT_NE(p.find("the generator has no end"), std::string::npos) << p;
  const std::string s = problems(R"({"services": [{"name": "chat", "replica_gpus": 2, "replica_capacity": "10/s",
    "peak_rate": "30/s"}]})");
  EXPECT_NE(s.find("/fleet/horizon"), std::string::npos) << s;
  const std::string q = problems(R"({"generators": [{"mix": "llm-lab", "rate": "1000/s", "until": "365 d"}]})");
  EXPECT_NE(q.find("more than 20000000"), std::string::npos) << q;
}

TEST_F(FleetScenario, UnknownTeamsAreNamed) {
  write("jobs.csv", "submit_time_s,team,gpus,duration_s\n0,reserch,8,100\n");
  const std::string p = problems(R"({"teams": [{"name": "research"}], "trace": "jobs.csv"})");
  EXPECT_NE(p.find("did you mean \"research\""), std::string::npos) << p;
  const std::string q = problems(R"({"teams": [{"name": "research"}],
    "generators": [{"mix": "llm-lab", "team": "prod", "rate": "6/h", "jobs": 3}]})");
  EXPECT_NE(q.find("/fleet/generators/0/team"), std::string::npos) << q;
  const std::string w = problems(R"({"teams": [{"name": "a"}, {"name": "b"}],
    "generators": [{"mix": "llm-lab", "rate": "6/h", "jobs": 3}]})");
  EXPECT_NE(w.find("which team submits these jobs?"), std::string::npos) << w;
}

TEST_F(FleetScenario, ServicesNeedAWorkloadOrACapacity) {
  const std::string p = problems(R"({"services": [{"name": "chat"}]})");
  EXPECT_NE(p.find("replica_capacity"), std::string::npos) << p;
  const std::string q = problems(R"({"services": [{"name": "chat", "workload": "chta"}]})");
  EXPECT_NE(q.find("no inference workload is named \"chta\""), std::string::npos) << q;
}

TEST_F(FleetScenario, AJobLargerThanItsTeamsHardQuotaIsInfeasible) {
  write("jobs.csv", "submit_time_s,team,gpus,duration_s\n0,a,16,100\n");
  const Scenario s = load(R"({"policy": "quota", "teams": [{"name": "a", "quota_gpus": 8}], "trace": "jobs.csv"})");
  try {
    prepare_fleet(s);
    FAIL() << "expected InfeasibleError";
  } catch (const InfeasibleError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2 needs 16 GPUs but team \"a\" may hold at most 8"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(FleetScenario, JsonCarriesTheContractKeys) {
  const Scenario s = load(R"({"generators": [{"mix": "philly-gavel", "team": "a", "rate": "2/h", "jobs": 10},
    {"mix": "philly-gavel", "team": "b", "rate": "2/h", "jobs": 10}], "teams": [{"name": "a"}, {"name": "b"}],
    "failures": false})");
  const auto j = fleet_to_json(run_fleet_scenario(prepare_fleet(s)));
  for (const char* key : {"jobs_completed", "avg_jct_s", "p99_jct_s", "avg_queue_s", "p99_queue_s", "gpu_allocation",
                          "gpu_busy", "goodput", "teams", "series"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["jobs_completed"], 20);
  EXPECT_EQ(j["teams"].size(), 2u);
  EXPECT_TRUE(j["teams"][0].contains("gpu_hours"));
  EXPECT_TRUE(j["teams"][0].contains("cost_usd"));  // priced by the price book's cheapest H100
}

}  // namespace
}  // namespace capsim::planner

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

TEST_F(FleetScenario, RawPaiTablesAreJoinedIntoJobs) {
  const std::string fx = std::string(CAPSIM_TEST_FIXTURES) + "/fleet/";
  const Scenario s = load(R"({"trace": {"path": ")" + fx + R"(pai_job_table.csv", "format": "pai-tables",
    "tasks": ")" + fx + R"(pai_task_table.csv"}})");
  const auto& spec = s.fleet->spec;
  // j1: 2 workers x 100% = 2 GPUs, 1010 to 4100; j2: half a GPU rounded up, 1105 to 1295; j3 has no GPU task (a
  // CPU job, skipped by the reader); j4 never ran.
  ASSERT_EQ(spec.jobs.size(), 2u);
  EXPECT_EQ(spec.jobs[0].gpus, 2);
  EXPECT_DOUBLE_EQ(spec.jobs[0].duration_s, 3090);
  EXPECT_DOUBLE_EQ(spec.jobs[0].submit_s, 0);
  EXPECT_EQ(spec.jobs[1].gpus, 1);
  EXPECT_DOUBLE_EQ(spec.jobs[1].submit_s, 100);
  EXPECT_DOUBLE_EQ(spec.jobs[1].duration_s, 190);
  EXPECT_EQ(spec.teams.size(), 2u);
  bool never_ran_noted = false;
  for (const auto& n : s.fleet->notes) never_ran_noted = never_ran_noted || n.find("never started") != std::string::npos;
  EXPECT_TRUE(never_ran_noted);
}

TEST_F(FleetScenario, RawPaiTablesNameTheBadCell) {
  write("jobs.csv", "j1,i1,u1,Terminated,soon,5000\n");
  write("tasks.csv", "j1,worker,2,Terminated,1010,4010,600,29.3,100,V100\n");
  const std::string p = problems(R"({"trace": {"path": "jobs.csv", "format": "pai-tables", "tasks": "tasks.csv"}})");
  EXPECT_NE(p.find("jobs.csv line 1, column 5 (start_time)"), std::string::npos) << p;
  const std::string q = problems(R"({"trace": {"path": "jobs.csv", "format": "pai-tables"}})");
  EXPECT_NE(q.find("/fleet/trace/tasks"), std::string::npos) << q;
}

}  // namespace
}  // namespace capsim::planner

namespace capsim::planner {
namespace CAPSIM_UNITY_ID {

TEST(FleetPaiTablesFuzz, MutantsNeverThrowAndGiveValidJobs) {
  const std::string jobs = "j1,i1,u1,Terminated,1000,5000\nj2,i2,u2,Failed,1100,1300\nj4,i4,u3,Waiting,1300,\n";
  const std::string tasks = "j1,worker,2,Terminated,1010,4010,600,29.3,100,V100\nj2,worker,1,Failed,1105,1295,400,10,50,T4\n";
  std::mt19937_64 rng(7);
  const std::string junk[] = {",", "\n", "\r", "1e999", "-5", "nan", "", "\"", std::string(1, '\0'), "99999999999"};
  for (int i = 0; i < 3000; ++i) {
    std::string a = jobs, b = tasks;
    std::string& m = i % 2 ? a : b;
    for (int k = 0; k < 3; ++k) {
      std::uniform_int_distribution<std::size_t> at(0, m.size());
      const std::size_t p = at(rng);
      switch (rng() % 3) {
        case 0: m.insert(p, junk[rng() % std::size(junk)]); break;
        case 1: if (p < m.size()) m.erase(p, 1 + rng() % 4); break;
        default: if (p < m.size()) m[p] = static_cast<char>(rng() % 256); break;
      }
    }
    std::vector<Diagnostic> problems;
    std::vector<std::string> notes;
    std::string joined;
    ASSERT_NO_THROW(joined = pai_tables_to_trace(a, b, "jobs", "tasks", "s.json", "/fleet/trace", problems, notes));
    if (!problems.empty()) continue;
    TraceJobs t;
    ASSERT_NO_THROW(t = parse_fleet_trace(joined, TraceFormat::pai, "jobs", "s.json", "/fleet/trace", problems));
    for (const auto& j : t.jobs) {
      EXPECT_GE(j.gpus, 1);
      EXPECT_TRUE(std::isfinite(j.submit_s) && j.submit_s >= 0);
      EXPECT_TRUE(std::isfinite(j.duration_s) && j.duration_s > 0);
    }
  }
}

}  // namespace
}  // namespace capsim::planner
