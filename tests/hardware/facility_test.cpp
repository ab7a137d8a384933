#include "models/hardware/facility.hpp"

#include <gtest/gtest.h>

#include "planner/run.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"

namespace capsim::hw {
namespace CAPSIM_UNITY_ID {

TEST(Facility, LiquidAndImmersionCoolingLowerThePue) {
  EXPECT_GT(default_pue(Cooling::air), default_pue(Cooling::direct_liquid));
  EXPECT_GT(default_pue(Cooling::direct_liquid), default_pue(Cooling::immersion));
  FacilitySpec f;
  f.pue = 1.3;
  EXPECT_DOUBLE_EQ(f.effective_pue(), 1.3);
}

TEST(Facility, RacksFollowTheRackPowerLimit) {
  FacilitySpec f;
  f.rack_power_limit_W = 41e3;
  const FacilityPlan plan = plan_facility(f, 10, 10.2e3, 0);
  EXPECT_EQ(plan.nodes_per_rack, 4);
  EXPECT_EQ(plan.racks, 3);
  EXPECT_TRUE(plan.problems.empty());
}

TEST(Facility, NodeAboveTheRackLimitIsAProblem) {
  FacilitySpec f;
  f.rack_power_limit_W = 8e3;
  const FacilityPlan plan = plan_facility(f, 4, 10.2e3, 0);
  EXPECT_EQ(plan.nodes_per_rack, 0);
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_NE(plan.problems.front().find("rack carries 8.00 kW"), std::string::npos) << plan.problems.front();
}

// A GB200 NVL72 is bought and installed a rack at a time: 18 compute trays per rack whatever the limit would fit,
// and the rack's peak checked against the limit.
TEST(Facility, RackScaleSystemFillsWholeRacksOfItsOwnSize) {
  const RackUnit nvl72{18, true, "a GB200 NVL72 rack"};
  FacilitySpec f;
  f.cooling = Cooling::direct_liquid;  // 120 kW racks
  const FacilityPlan plan = plan_facility(f, 64, 6.62e3, 0, nvl72);
  EXPECT_EQ(plan.nodes_per_rack, 18);
  EXPECT_EQ(plan.racks, 4);
  EXPECT_TRUE(plan.problems.empty());
  f.rack_power_limit_W = 100e3;  // 18 x 6.62 kW = 119 kW does not fit
  const FacilityPlan tight = plan_facility(f, 64, 6.62e3, 0, nvl72);
  EXPECT_EQ(tight.racks, 4);
  ASSERT_EQ(tight.problems.size(), 1u);
  EXPECT_NE(tight.problems.front().find("needs 119 kW per rack"), std::string::npos) << tight.problems.front();
}

TEST(Facility, LiquidCooledSystemInAnAirCooledHallIsAProblem) {
  FacilitySpec f;
  f.cooling = Cooling::air;
  f.rack_power_limit_W = 150e3;
  const FacilityPlan plan = plan_facility(f, 18, 6.62e3, 0, {18, true, "a GB200 NVL72 rack"});
  ASSERT_EQ(plan.problems.size(), 1u);
  EXPECT_NE(plan.problems.front().find("\"direct-liquid\""), std::string::npos) << plan.problems.front();
}

// Without a facility block a GB200 cluster stands in a liquid-cooled hall (PUE 1.2, NVL72 racks); an HGX H100
// cluster in an air-cooled one.
TEST(Facility, Gb200ClustersDefaultToLiquidCoolingAndNvl72Racks) {
  const auto doc = [](const std::string& gpu, int nodes, const std::string& facility) {
    return R"({"schema": "capsim/scenario/v1", "name": "f", "cluster": {"gpu": ")" + gpu + R"(", "nodes": )" +
           std::to_string(nodes) + facility + R"(},
      "workloads": [{"name": "w", "kind": "training", "model": {"preset": "llama3-8b"},
        "parallelism": {"tp": 1, "pp": 1, "micro_batch": 1, "global_batch": 1152}, "precision": "bf16"}]})";
  };
  const auto gb200 = planner::load_scenario_text(doc("gb200", 36, ""), "f.json");
  EXPECT_EQ(gb200.cluster.facility.cooling, Cooling::direct_liquid);
  const auto r = planner::run_scenario(gb200, "analytical").training.front();
  EXPECT_NEAR(r.power.pue, default_pue(Cooling::direct_liquid), 1e-12);
  EXPECT_EQ(r.power.nodes_per_rack, 18);
  EXPECT_EQ(r.power.racks, 2);
  EXPECT_TRUE(r.power.problems.empty());
  const auto h100 = planner::load_scenario_text(doc("h100-sxm5-80gb", 4, ""), "f.json");
  EXPECT_EQ(h100.cluster.facility.cooling, Cooling::air);
  // Told "air", the GB200 cluster keeps it and is told why it cannot work.
  const auto air = planner::load_scenario_text(doc("gb200", 36, R"(, "facility": {"cooling": "air"})"), "f.json");
  EXPECT_EQ(air.cluster.facility.cooling, Cooling::air);
  const auto ra = planner::run_scenario(air, "analytical").training.front();
  bool noted = false;
  for (const auto& n : ra.notes) noted = noted || n.find("needs liquid cooling") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(Facility, HallShortfallSaysByHowMuchAndHowManyNodesToDrop) {
  FacilitySpec f;
  f.pue = 1.0;
  f.hall_power_W = 2e6;
  f.cooling_capacity_W = 2e6;
  const FacilityPlan plan = plan_facility(f, 255, 10.2e3, 0);  // 2.6 MW
  ASSERT_EQ(plan.problems.size(), 2u);
  EXPECT_NE(plan.problems[0].find("short"), std::string::npos) << plan.problems[0];
  EXPECT_NE(plan.problems[0].find("Use 59 fewer nodes"), std::string::npos) << plan.problems[0];
}

TEST(Facility, ScenarioKeysReachTheResultAndCarbonFollowsTheGrid) {
  const std::string doc = R"({"schema": "capsim/scenario/v1", "name": "f",
    "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 4, "power": {"gpu_power_cap": "500 W"},
      "facility": {"cooling": "direct-liquid", "hall_power": "20 kW", "grid_intensity": "100 g/kWh",
                   "electricity_price": "$0.10/kWh"}},
    "workloads": [{"name": "w", "kind": "training", "model": {"preset": "llama3-8b"},
      "parallelism": {"tp": 1, "pp": 1, "dp": 32, "micro_batch": 1, "global_batch": 256}, "precision": "bf16",
      "tokens": "1B"}]})";
  const auto scenario = planner::load_scenario_text(doc, "f.json");
  EXPECT_DOUBLE_EQ(scenario.cluster.power.gpu_power_cap_W, 500);
  const auto r = planner::run_scenario(scenario, "analytical").training.front();
  EXPECT_LE(r.power.gpu_power_W, 500);
  EXPECT_NEAR(r.power.facility_power_W, r.power.it_power_W * 1.2, 1e-6);
  EXPECT_NEAR(r.power.carbon_to_train_kg, r.power.energy_to_train_J / 3.6e6 * 0.1, 1e-6);
  EXPECT_NEAR(r.power.electricity_cost_usd, r.power.energy_to_train_J / 3.6e6 * 0.1, 1e-6);
  ASSERT_FALSE(r.power.problems.empty());  // 4 nodes need about 40 kW x 1.2
  bool noted = false;
  for (const auto& n : r.notes) noted = noted || n.find("the hall has 20.0 kW") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(Facility, BadKeysNameTheirPointer) {
  const std::string doc = R"({"schema": "capsim/scenario/v1", "name": "f",
    "cluster": {"gpu": "h100-sxm5-80gb", "nodes": 1, "power": {"gpu_power_cap": "900 W"},
      "facility": {"cooling": "water", "pue": 0.9, "grid_intensity": "lots", "rack_limit": "40 kW"}},
    "workloads": [{"name": "w", "kind": "training", "model": {"preset": "llama3-8b"},
      "parallelism": {"tp": 8}, "precision": "bf16"}]})";
  try {
    planner::load_scenario_text(doc, "f.json");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    const std::string what = e.what();
    for (const char* ptr : {"/cluster/power/gpu_power_cap", "/cluster/facility/cooling", "/cluster/facility/pue",
                            "/cluster/facility/grid_intensity", "/cluster/facility/rack_limit"}) {
      EXPECT_NE(what.find(ptr), std::string::npos) << ptr << "\n" << what;
    }
  }
}

}  // namespace
}  // namespace capsim::hw
