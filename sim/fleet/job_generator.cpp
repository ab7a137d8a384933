#include "sim/fleet/job_generator.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace capsim::fleet {

namespace {

struct Draw {
  int gpus = 1;
  double duration_s = 0;
  double deadline_factor = 0;
  JobKind kind = JobKind::other;
};

int pick(std::mt19937_64& rng, const std::vector<std::pair<int, double>>& table) {
  std::uniform_real_distribution<double> u(0, 1);
  double x = u(rng);
  for (const auto& [value, p] : table) {
    if (x < p) return value;
    x -= p;
  }
  return table.back().first;
}

Draw draw(MixKind mix, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  Draw d;
  if (mix == MixKind::philly_gavel) {
    d.gpus = pick(rng, {{1, 0.70}, {2, 0.10}, {4, 0.15}, {8, 0.05}});
    const bool long_job = u(rng) >= 0.8;
    const double lo = long_job ? 3.0 : 1.5, hi = long_job ? 4.0 : 3.0;
    d.duration_s = 60.0 * std::pow(10.0, lo + (hi - lo) * u(rng));
    const double factors[] = {1.2, 2.0, 10.0};
    d.deadline_factor = factors[std::min(2, static_cast<int>(u(rng) * 3))];
    d.kind = JobKind::training;
    return d;
  }
  const double r = u(rng);
  auto lognormal = [&](double median_s, double sigma) {
    std::normal_distribution<double> n(0, sigma);
    return median_s * std::exp(n(rng));
  };
  if (r < 0.70) {
    d.kind = JobKind::evaluation;
    d.gpus = pick(rng, {{1, 0.5}, {2, 0.1}, {4, 0.15}, {8, 0.25}});
    d.duration_s = lognormal(600, 1.2);
  } else if (r < 0.97) {
    d.kind = JobKind::fine_tuning;
    d.gpus = pick(rng, {{8, 0.4}, {16, 0.3}, {32, 0.2}, {64, 0.1}});
    d.duration_s = lognormal(3 * 3600.0, 1.0);
  } else {
    d.kind = JobKind::training;
    d.gpus = pick(rng, {{128, 0.4}, {256, 0.35}, {512, 0.2}, {1024, 0.05}});
    d.duration_s = lognormal(2 * 86400.0, 0.7);
  }
  d.duration_s = std::clamp(d.duration_s, 30.0, 60 * 86400.0);
  return d;
}

}  // namespace

std::vector<FleetJob> generate_jobs(const Generator& g, std::uint64_t seed, int cluster_gpus, double horizon_s) {
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> gap(1.0 / std::max(1e-9, g.mean_interarrival_s));
  const double until = g.until_s > 0 ? g.until_s : horizon_s;
  const int cap = g.max_gpus > 0 ? std::min(g.max_gpus, cluster_gpus) : cluster_gpus;
  std::vector<FleetJob> jobs;
  double t = g.start_s;
  while (true) {
    t += gap(rng);
    if (g.jobs > 0 && static_cast<std::int64_t>(jobs.size()) >= g.jobs) break;
    if (g.jobs <= 0 && (until <= 0 || t > until)) break;
    if (g.jobs > 0 && until > 0 && t > until) break;
    const Draw d = draw(g.mix, rng);
    FleetJob j;
    j.submit_s = t;
    j.gpus = std::max(1, std::min(d.gpus, cap));
    j.duration_s = d.duration_s * g.duration_scale;
    j.deadline_s = d.deadline_factor > 0 ? t + d.deadline_factor * j.duration_s : 0;
    j.team = g.team;
    j.kind = d.kind;
    jobs.push_back(j);
  }
  return jobs;
}

std::pair<double, double> mix_means(MixKind mix, int samples, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  double gpus = 0, dur = 0;
  for (int i = 0; i < samples; ++i) {
    const Draw d = draw(mix, rng);
    gpus += d.gpus;
    dur += d.duration_s;
  }
  return {gpus / std::max(1, samples), dur / std::max(1, samples)};
}

}  // namespace capsim::fleet
