#include "sim/serving/load_generator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace capsim::sim::serving {

using workloads::LengthKind;
using workloads::LoadMode;

constexpr int kMaxDrawnTokens = 100'000'000;

std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

LengthSampler::LengthSampler(const workloads::InferenceJob& job, std::uint64_t seed) : job_(&job), rng_(seed) {}

int LengthSampler::draw_one(const workloads::LengthDistribution& d, int trace_value, int fixed_value) {
  // Unclipped draws stop at 1e8 tokens (the scenario's limit), so that prompt + output never overflow an int.
  const int hi = d.max > 0 ? d.max : kMaxDrawnTokens;
  switch (d.kind) {
    case LengthKind::fixed:
      return std::max(1, d.mean > 0 ? static_cast<int>(std::lround(d.mean)) : fixed_value);
    case LengthKind::uniform:
      return std::uniform_int_distribution<int>(std::max(1, d.min), std::max(d.min, hi))(rng_);
    case LengthKind::lognormal: {
      // exp(N(mu, sigma)) has mean exp(mu + sigma^2 / 2): choose mu so that the mean is the one asked for.
      const double mu = std::log(std::max(1.0, d.mean)) - d.sigma * d.sigma / 2.0;
      const double x = std::lognormal_distribution<double>(mu, d.sigma)(rng_);
      return static_cast<int>(std::clamp<double>(std::round(x), std::max(1, d.min), hi));
    }
    case LengthKind::trace:
      return std::clamp(trace_value, std::max(1, d.min), hi);
  }
  return 1;
}

std::pair<int, int> LengthSampler::draw(const workloads::TraceRequest* row) {
  const auto& trace = job_->load.trace;
  const bool uses_trace =
      job_->input_lengths.kind == LengthKind::trace || job_->output_lengths.kind == LengthKind::trace;
  if (row == nullptr && uses_trace && !trace.empty()) {
    row = &trace[std::uniform_int_distribution<std::size_t>(0, trace.size() - 1)(rng_)];
  }
  const int in = draw_one(job_->input_lengths, row ? row->input_tokens : 1, job_->input_tokens);
  const int out = draw_one(job_->output_lengths, row ? row->output_tokens : 1, job_->output_tokens);
  return {in, out};
}

ArrivalProcess::ArrivalProcess(const workloads::Load& load, std::uint64_t seed) : load_(&load), rng_(seed) {
  // Gamma gaps with coefficient of variation c: shape 1/c^2, scale c^2 (mean 1).
  const double cv = std::max(1e-3, load.burstiness);
  gamma_ = std::gamma_distribution<double>(1.0 / (cv * cv), cv * cv);
}

double ArrivalProcess::unit_gap() { return load_->mode == LoadMode::gamma ? gamma_(rng_) : exp_(rng_); }

double ArrivalProcess::advance(double t_s, double work) const {
  const auto& curve = load_->rate_curve;
  if (curve.empty()) return t_s + work / load_->rate_per_s;
  // Time rescaling through a piecewise-constant rate: consume `work` expected arrivals interval by interval.
  for (int guard = 0; guard < 1'000'000; ++guard) {
    const double rate = curve.rate_at(t_s);
    const double next_edge = (std::floor(t_s / curve.interval_s + 1e-12) + 1.0) * curve.interval_s;
    const double room = rate * (next_edge - t_s);
    if (rate > 0 && room >= work) return t_s + work / rate;
    work -= room;
    t_s = next_edge;
  }
  return std::numeric_limits<double>::infinity();  // a curve of zeros: no more arrivals
}

bool ArrivalProcess::next(double& arrival_s, const workloads::TraceRequest*& row) {
  const workloads::Load& l = *load_;
  row = nullptr;
  if (l.requests > 0 && emitted_ >= l.requests) return false;
  switch (l.mode) {
    case LoadMode::offline:
      arrival_s = 0;
      break;
    case LoadMode::trace:
      if (static_cast<std::size_t>(emitted_) >= l.trace.size()) return false;
      row = &l.trace[static_cast<std::size_t>(emitted_)];
      arrival_s = row->arrival_s;
      break;
    case LoadMode::poisson:
    case LoadMode::gamma:
      t_s_ = advance(t_s_, unit_gap());
      arrival_s = t_s_;
      break;
    case LoadMode::concurrency:
      return false;  // closed loop: the simulation sends on completions
  }
  if (l.duration_s > 0 && arrival_s >= l.duration_s) return false;
  if (!std::isfinite(arrival_s)) return false;
  ++emitted_;
  return true;
}

}  // namespace capsim::sim::serving
