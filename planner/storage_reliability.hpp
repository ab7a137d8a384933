#pragma once
/// @file storage_reliability.hpp
/// Fills a training result's `storage` (checkpoint size and cost per tier, data loading) and `reliability`
/// (interruptions, checkpoint interval, goodput, Monte Carlo finish times) once an engine has timed its step.

#include <nlohmann/json.hpp>

#include "planner/scenario.hpp"
#include "sim/engine.hpp"

namespace capsim::planner {

/// Adds storage and reliability figures for `job` to `result` (whose step time is known), using the scenario's
/// `storage` and `reliability` settings, its cluster and its seed.
void add_storage_and_reliability(const Scenario& scenario, const workloads::TrainingJob& job,
                                 sim::TrainingResult& result);

/// The `storage` block of a training result: checkpoint size, cost per tier, data loading, and `placement` when the
/// scenario has one.
nlohmann::ordered_json storage_json(const sim::StorageResult& s);
/// The `placement` block of a storage result that has a placement: per tier bytes, capacity share and monthly cost;
/// the dataset's hit rate and read bandwidths; the checkpoint drain against the interval.
nlohmann::ordered_json placement_json(const sim::StorageResult& s);
/// The `reliability` block of a training result.
nlohmann::ordered_json reliability_json(const workloads::ReliabilityResult& r);

}  // namespace capsim::planner
