#pragma once
/// @file plan.hpp
/// `capsim plan`: prices every option of a study from simulated capacity, recommends one with its reasons, and
/// tests the answer: a tornado over +/- the study's sensitivity range of the key inputs and, when asked, a Monte
/// Carlo over uncertain prices and demand.

#include <nlohmann/json.hpp>

#include "planner/tco/plan_result.hpp"
#include "planner/tco/study.hpp"

namespace capsim::planner::tco {

/// Plans `study`. `monte_carlo` overrides the study's sample count when >= 0. Throws capsim::InputError when a
/// demand cannot run on an option's GPU type.
PlanResult plan_study(const Study& study, int monte_carlo = -1);

struct CapacityModel;

/// Plans `study` on `capacity`, the simulated shapes build_capacity() made for it or for a study that differs from it
/// only in what build_capacity does not read (prices, the discount rate, owned GPU counts, demand growth). Simulating
/// the shapes is most of a plan's time (0.4 s of chat-growth's 0.44 s); the desktop app's what-if reuses them.
PlanResult plan_study(const Study& study, const CapacityModel& capacity, int monte_carlo = -1);

/// The result document of `capsim plan --json` (DESIGN.md's contract: `options[]` and `recommendation`).
nlohmann::json plan_to_json(const PlanResult& plan);

}  // namespace capsim::planner::tco
