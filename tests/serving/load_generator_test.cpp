#include "sim/serving/load_generator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace capsim::sim::serving {
namespace CAPSIM_UNITY_ID {

using workloads::LoadMode;

/// Gaps between the first `n` arrivals of `load`.
std::vector<double> gaps(const workloads::Load& load, int n, std::uint64_t seed = 1) {
  ArrivalProcess p(load, seed);
  std::vector<double> out;
  double last = 0;
  double t = 0;
  const workloads::TraceRequest* row = nullptr;
  for (int i = 0; i < n && p.next(t, row); ++i) {
    out.push_back(t - last);
    last = t;
  }
  return out;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double cv(const std::vector<double>& v) {
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size())) / m;
}

TEST(ArrivalProcess, PoissonGapsAreExponentialAtTheRate) {
  workloads::Load load;
  load.mode = LoadMode::poisson;
  load.rate_per_s = 50;
  const auto g = gaps(load, 100'000);
  EXPECT_NEAR(mean(g), 1.0 / 50, 0.02 / 50);
  EXPECT_NEAR(cv(g), 1.0, 0.02);
}

TEST(ArrivalProcess, GammaGapsHaveTheAskedBurstiness) {
  workloads::Load load;
  load.mode = LoadMode::gamma;
  load.rate_per_s = 10;
  load.burstiness = 3;
  const auto g = gaps(load, 200'000);
  EXPECT_NEAR(mean(g), 0.1, 0.003);
  EXPECT_NEAR(cv(g), 3.0, 0.15);
}

TEST(ArrivalProcess, RateCurveShapesTheArrivals) {
  workloads::Load load;
  load.mode = LoadMode::poisson;
  load.rate_curve.interval_s = 100;
  load.rate_curve.rates_per_s = {1, 10, 0};
  load.duration_s = 3000;  // ten cycles
  ArrivalProcess p(load, 4);
  double t = 0;
  const workloads::TraceRequest* row = nullptr;
  double per_interval[3] = {0, 0, 0};
  while (p.next(t, row)) per_interval[static_cast<int>(std::fmod(t, 300) / 100)] += 1;
  EXPECT_NEAR(per_interval[0], 1000, 100);
  EXPECT_NEAR(per_interval[1], 10000, 300);
  EXPECT_EQ(per_interval[2], 0);
}

TEST(ArrivalProcess, StopsAtItsRequestsOrDuration) {
  workloads::Load load;
  load.mode = LoadMode::poisson;
  load.rate_per_s = 100;
  load.requests = 10;
  EXPECT_EQ(gaps(load, 1000).size(), 10u);
  load.requests = 0;
  load.duration_s = 1;
  EXPECT_NEAR(static_cast<double>(gaps(load, 100'000).size()), 100, 35);
  load.mode = LoadMode::offline;
  load.requests = 7;
  load.duration_s = 0;
  const auto offline = gaps(load, 1000);
  EXPECT_EQ(offline.size(), 7u);
  EXPECT_EQ(mean(offline), 0.0);
}

TEST(LengthSampler, DrawsEachDistribution) {
  workloads::InferenceJob job;
  job.input_lengths = {workloads::LengthKind::uniform, 150, 0, 100, 200};
  job.output_lengths = {workloads::LengthKind::lognormal, 300, 0.8, 1, 0};
  LengthSampler s(job, 2);
  double in_sum = 0, out_sum = 0;
  int in_min = 1 << 30, in_max = 0;
  const int n = 200'000;
  for (int i = 0; i < n; ++i) {
    const auto [in, out] = s.draw(nullptr);
    in_sum += in;
    out_sum += out;
    in_min = std::min(in_min, in);
    in_max = std::max(in_max, in);
  }
  EXPECT_EQ(in_min, 100);
  EXPECT_EQ(in_max, 200);
  EXPECT_NEAR(in_sum / n, 150, 0.5);
  EXPECT_NEAR(out_sum / n, 300, 3);  // the lognormal's mean, not its median
}

TEST(LengthSampler, TraceLengthsComeFromTheTrace) {
  workloads::InferenceJob job;
  job.load.trace = {{0, 10, 1}, {1, 20, 2}};
  job.input_lengths.kind = workloads::LengthKind::trace;
  job.output_lengths.kind = workloads::LengthKind::trace;
  LengthSampler s(job, 3);
  EXPECT_EQ(s.draw(&job.load.trace[1]), (std::pair<int, int>{20, 2}));
  for (int i = 0; i < 100; ++i) {
    const auto [in, out] = s.draw(nullptr);  // a random row
    EXPECT_EQ(out * 10, in);
  }
}

}  // namespace
}  // namespace capsim::sim::serving
