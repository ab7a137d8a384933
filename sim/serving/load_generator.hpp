#pragma once
/// @file load_generator.hpp
/// Where requests come from: arrival times (offline, Poisson, gamma, a rate curve, a replayed trace) and request
/// lengths (fixed, uniform, lognormal, from a trace). Each owns a std::mt19937_64 seeded from the scenario's seed,
/// so a run is reproducible and two runs never share state.

#include <cstdint>
#include <random>
#include <utility>

#include "models/workloads/serving.hpp"

namespace capsim::sim::serving {

/// SplitMix64: independent seeds for the streams of one run (arrivals, lengths) from the scenario's seed.
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream);

/// Draws (input, output) token counts.
class LengthSampler {
 public:
  /// `job` must outlive the sampler (its trace is read in place).
  LengthSampler(const workloads::InferenceJob& job, std::uint64_t seed);
  /// Lengths of the next request. `row` is the trace row being replayed, or nullptr (then a "trace" distribution
  /// draws a random row of the trace).
  std::pair<int, int> draw(const workloads::TraceRequest* row);

 private:
  /// One length from `d`; a fixed distribution without a mean gives `fixed_value` (the job's input_tokens or
  /// output_tokens, for jobs built in code).
  int draw_one(const workloads::LengthDistribution& d, int trace_value, int fixed_value);

  const workloads::InferenceJob* job_;
  std::mt19937_64 rng_;
};

/// Arrival times of an open-loop or offline load, bounded by its `requests` and `duration`.
class ArrivalProcess {
 public:
  /// `load` must outlive the process (its trace is read in place).
  ArrivalProcess(const workloads::Load& load, std::uint64_t seed);
  /// The next arrival (and, replaying a trace, its row); false when the load has no more requests.
  bool next(double& arrival_s, const workloads::TraceRequest*& row);
  std::int64_t emitted() const { return emitted_; }

 private:
  /// Gap to the next arrival in units of mean gaps: 1 on average (exponential, or gamma with the load's CV).
  double unit_gap();
  /// Time at which `work` expected arrivals have passed since `t_s`, following the rate (curve).
  double advance(double t_s, double work) const;

  const workloads::Load* load_;
  std::mt19937_64 rng_;
  std::exponential_distribution<double> exp_{1.0};
  std::gamma_distribution<double> gamma_;
  double t_s_ = 0;
  std::int64_t emitted_ = 0;
};

}  // namespace capsim::sim::serving
