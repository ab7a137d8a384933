// The price book and study loaders: every built-in price is dated and sourced, prices parse only with a currency and
// the right unit, and every kind of bad study is a clear error at its JSON path.

#include <gtest/gtest.h>

#include <string>

#include "planner/tco/plan.hpp"
#include "planner/tco/price_book.hpp"
#include "planner/tco/study.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner::tco {
namespace CAPSIM_UNITY_ID {

using nlohmann::json;

std::string fixture(const std::string& name) { return std::string(CAPSIM_TEST_FIXTURES) + "/studies/" + name; }

TEST(PriceBook, EveryBuiltInPriceHasADateASourceAndAQuality) {
  const PriceBook& book = PriceBook::builtin();
  ASSERT_GT(book.keys().size(), 60u);
  for (const std::string& key : book.keys()) {
    const Price& p = book.at(key);
    EXPECT_FALSE(p.use.date.empty()) << key;
    EXPECT_GT(p.use.source.size(), 10u) << key;
    EXPECT_FALSE(p.use.quality.empty()) << key;
    EXPECT_EQ(p.use.estimate, p.use.quality == "estimate" || p.use.quality == "LQ") << key;
    EXPECT_GE(p.value, 0) << key;
  }
}

TEST(PriceBook, HasTheFiveProvidersAndTheirPricingModels) {
  const PriceBook& book = PriceBook::builtin();
  for (const char* provider : {"aws", "azure", "gcp", "coreweave", "lambda"}) {
    bool found = false;
    for (const std::string& id : book.instance_ids()) found = found || book.instance(id)->provider == provider;
    EXPECT_TRUE(found) << provider;
  }
  const CloudInstance* p5 = book.instance("aws-p5.48xlarge");
  ASSERT_NE(p5, nullptr);
  EXPECT_EQ(p5->gpus, 8);
  EXPECT_NEAR(p5->hourly.at("on-demand").value, 55.04, 1e-9);
  for (const char* pricing : {"committed-1y", "committed-3y", "spot", "capacity-block"}) {
    EXPECT_TRUE(p5->hourly.contains(pricing)) << pricing;
  }
  ASSERT_TRUE(p5->spot_interruptions.has_value());
  auto cheapest = book.cheapest_gpu_hour("h100-sxm5-80gb");
  ASSERT_TRUE(cheapest.has_value());
  EXPECT_LT(cheapest->first, 55.04 / 8);
}

TEST(PriceBook, PricesNeedACurrencyAndTheRightUnit) {
  std::string why;
  EXPECT_NEAR(*parse_price("$2.35/h", PriceUnit::per_hour), 2.35, 1e-12);
  EXPECT_NEAR(*parse_price("$98.32/hour", PriceUnit::per_hour), 98.32, 1e-12);
  EXPECT_NEAR(*parse_price("$184.06/kW-month", PriceUnit::per_kw_month), 184.06, 1e-12);
  EXPECT_NEAR(*parse_price("$80/MWh", PriceUnit::per_kwh), 0.08, 1e-12);
  EXPECT_NEAR(*parse_price("$90/TB", PriceUnit::per_gb), 0.09, 1e-12);
  EXPECT_NEAR(*parse_price("$11.7M/MW", PriceUnit::per_mw), 11.7e6, 1e-3);
  EXPECT_NEAR(*parse_price("$270k", PriceUnit::money), 270e3, 1e-9);
  EXPECT_NEAR(*parse_price("6%", PriceUnit::fraction), 0.06, 1e-12);
  EXPECT_NEAR(*parse_price("5 years", PriceUnit::years), 5, 1e-9);
  EXPECT_FALSE(parse_price("2.35", PriceUnit::per_hour, &why));
  EXPECT_NE(why.find("currency"), std::string::npos) << why;
  EXPECT_FALSE(parse_price(json(2.35), PriceUnit::per_hour, &why));
  EXPECT_NE(why.find("bare number"), std::string::npos) << why;
  EXPECT_FALSE(parse_price("-$2/h", PriceUnit::per_hour, &why));
  EXPECT_NE(why.find("negative"), std::string::npos) << why;
  EXPECT_FALSE(parse_price("$2/GB", PriceUnit::per_hour, &why));
  EXPECT_NE(why.find("per GB"), std::string::npos) << why;
  EXPECT_FALSE(parse_price("$2", PriceUnit::per_hour, &why));
  EXPECT_FALSE(parse_price("$2/parsec", PriceUnit::per_hour, &why));
  EXPECT_FALSE(parse_price("150%", PriceUnit::fraction, &why));
  EXPECT_FALSE(parse_price("NaN", PriceUnit::money, &why));
}

json base_study() {
  return json::parse(R"({
    "schema": "capsim/study/v1", "name": "t", "horizon_months": 12,
    "demand": [{"name": "train", "kind": "training", "scenario": "node-8b.json", "workload": "train", "tokens": "1B"}],
    "options": [{"name": "aws", "kind": "cloud", "instance": "aws-p5.48xlarge"},
                {"name": "own", "kind": "on-prem", "gpu": "h100-sxm5-80gb"},
                {"name": "hy", "kind": "hybrid", "on_prem": {"gpu": "h100-sxm5-80gb", "base_percentile": 50},
                 "cloud": {"instance": "aws-p5.48xlarge", "pricing": "spot"}}]})");
}

/// Loads `doc` as if it were fixtures/studies/t.json and returns the diagnostics ("" pointer when it loads).
std::vector<Diagnostic> problems(const json& doc) {
  try {
    load_study(doc, fixture("t.json"));
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

void expect_error(const json& doc, const std::string& pointer, const std::string& words) {
  const auto ds = problems(doc);
  bool found = false;
  for (const auto& d : ds) {
    if (d.pointer == pointer && d.to_string().find(words) != std::string::npos) found = true;
  }
  std::string all;
  for (const auto& d : ds) all += d.to_string() + "\n";
  EXPECT_TRUE(found) << "expected \"" << words << "\" at " << pointer << ", got:\n" << all;
  for (const auto& d : ds) EXPECT_NE(d.file.find(".json"), std::string::npos) << d.to_string();
}

TEST(StudyLoader, TheBaseStudyLoads) {
  EXPECT_TRUE(problems(base_study()).empty());
  const Study st = load_study(base_study(), fixture("t.json"));
  EXPECT_EQ(st.options[2].kind, Option::Kind::hybrid);
  EXPECT_EQ(st.options[2].cloud.gpu, "h100-sxm5-80gb");
  EXPECT_NEAR(st.discount_rate, 0.10, 1e-12);
}

TEST(StudyLoader, BadInputsAreErrorsAtTheirJsonPath) {
  json d = base_study();
  d["horizon_months"] = 0;
  expect_error(d, "/horizon_months", "from 1 to 240");

  d = base_study();
  d["options"][2]["on_prem"]["base_percentile"] = 150;
  expect_error(d, "/options/2/on_prem/base_percentile", "from 0 to 100");

  d = base_study();
  d["options"][0]["instance"] = "aws-p5.48xl";
  expect_error(d, "/options/0/instance", "did you mean \"aws-p5.48xlarge\"");

  d = base_study();
  d["demand"][0]["scenario"] = "no-such-scenario.json";
  expect_error(d, "/demand/0/scenario", "cannot be used");

  d = base_study();
  d["prices"] = {{"on-prem/electricity", "-$0.08/kWh"}};
  expect_error(d, "/prices/on-prem~1electricity", "negative");

  d = base_study();
  d["prices"] = {{"on-prem/electricity", "0.08"}};
  expect_error(d, "/prices/on-prem~1electricity", "currency");

  d = base_study();
  d["prices"] = {{"on-prem/electricty", "$0.08/kWh"}};
  expect_error(d, "/prices/on-prem~1electricty", "did you mean \"on-prem/electricity\"");

  d = base_study();
  d["options"][1]["gpu"] = "mi300x";
  expect_error(d, "/options/1/gpu", "no server with mi300x");

  d = base_study();
  d["options"][0] = {{"name", "x"}, {"kind", "cloud"}, {"gpu", "h100-sxm5-80gb"}, {"price_per_gpu_hour", "2.35"}};
  expect_error(d, "/options/0/price_per_gpu_hour", "currency");

  d = base_study();
  d["options"][0]["pricing"] = "reserved";
  expect_error(d, "/options/0/pricing", "on-demand");

  d = base_study();
  d["options"][1]["name"] = "aws";
  expect_error(d, "/options/1/name", "two options");

  d = base_study();
  d["demand"][0]["workload"] = "chat";
  expect_error(d, "/demand/0/workload", "no training workload");

  d = base_study();
  d["demand"] = json::array();
  expect_error(d, "/demand", "is empty");

  d = base_study();
  d["schema"] = "capsim/scenario/v1";
  expect_error(d, "/schema", "capsim run");

  d = base_study();
  d["options"][0]["commit"] = {{"term", "2y"}};
  expect_error(d, "/options/0/commit/term", "1y");
}

TEST(StudyLoader, InvalidJsonNamesLineAndColumn) {
  try {
    load_study_text("{\"schema\": \"capsim/study/v1\",\n  \"horizon_months\": 12,,}", "broken.json");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_NE(e.diagnostics()[0].to_string().find("line 2"), std::string::npos) << e.diagnostics()[0].to_string();
  }
}

}  // namespace
}  // namespace capsim::planner::tco

namespace capsim::planner::tco {
namespace CAPSIM_UNITY_ID {

TEST(StudyFleet, AnOnPremOptionSizedByAFleetRunBuysForItsLosses) {
  const Study st = load_study_file(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/studies/mixed-lab.json");
  const PlanResult plan = plan_study(st, 0);
  const OptionResult* plain = nullptr;
  const OptionResult* shared = nullptr;
  for (const auto& o : plan.options) {
    if (o.name == "own-h100") plain = &o;
    if (o.name == "own-h100-shared") shared = &o;
  }
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(shared, nullptr);
  ASSERT_TRUE(shared->fleet.has_value());
  EXPECT_FALSE(plain->fleet.has_value());
  const FleetFacts& f = *shared->fleet;
  EXPECT_EQ(f.policy, "quota-borrow");
  EXPECT_GT(f.allocation, 0);
  EXPECT_LT(f.usable_share, 1);
  EXPECT_NEAR(f.usable_share, 1 - f.fragmentation - f.down_share, 1e-12);
  // The same work on more owned GPUs: more capex, the same GPU-hours of work.
  EXPECT_GE(shared->owned_gpus, plain->owned_gpus);
  EXPECT_GT(shared->total_cost_usd, plain->total_cost_usd);
  EXPECT_DOUBLE_EQ(shared->gpu_hours, plain->gpu_hours);
}

TEST(StudyFleet, TheFleetMustExistHaveAFleetBlockAndMatchTheGpu) {
  json d = base_study();
  d["options"][1]["fleet"] = "missing.json";
  expect_error(d, "", "missing.json");
  d["options"][1]["fleet"] = "node-8b.json";  // a scenario without a fleet block
  expect_error(d, "/options/1/fleet", "has no \"fleet\" block");
  d["options"][1]["fleet"] = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/studies/mixed-lab-fleet.json";
  d["options"][1]["gpu"] = "b200-sxm-180gb";
  expect_error(d, "/options/1/fleet", "the fleet runs on h100-sxm5-80gb but this option buys b200-sxm-180gb");
}

}  // namespace
}  // namespace capsim::planner::tco
