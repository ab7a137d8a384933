#include "sim/serving/serving_metrics.hpp"

#include <gtest/gtest.h>

#include <random>

namespace capsim::sim::serving {
namespace CAPSIM_UNITY_ID {

TEST(ServingMetrics, PercentilesInterpolateBetweenOrderStatistics) {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  EXPECT_DOUBLE_EQ(percentile(v, 0.50), 50.5);
  EXPECT_DOUBLE_EQ(percentile(v, 0.90), 90.1);
  EXPECT_DOUBLE_EQ(percentile(v, 0.99), 99.01);
  EXPECT_DOUBLE_EQ(percentile(v, 0.0), 1);
  EXPECT_DOUBLE_EQ(percentile(v, 1.0), 100);
  EXPECT_DOUBLE_EQ(percentile({}, 0.5), 0);
}

TEST(ServingMetrics, PercentilesOfAnExponentialSampleMatchItsQuantiles) {
  std::mt19937_64 rng(5);
  std::exponential_distribution<double> exp(2.0);  // quantile q: -ln(1 - q) / 2
  std::vector<double> v;
  for (int i = 0; i < 400'000; ++i) v.push_back(exp(rng));
  const LatencyStats s = summarize(v);
  EXPECT_NEAR(s.mean, 0.5, 0.005);
  EXPECT_NEAR(s.p50, std::log(2.0) / 2, 0.005);
  EXPECT_NEAR(s.p90, std::log(10.0) / 2, 0.01);
  EXPECT_NEAR(s.p99, std::log(100.0) / 2, 0.03);
}

TEST(ServingMetrics, IntervalsAreRound) {
  EXPECT_DOUBLE_EQ(nice_interval(3600, 60), 60);
  EXPECT_DOUBLE_EQ(nice_interval(606, 60), 15);
  EXPECT_DOUBLE_EQ(nice_interval(100, 60), 2);
  EXPECT_DOUBLE_EQ(nice_interval(86400, 60), 1800);
  EXPECT_DOUBLE_EQ(nice_interval(3, 60), 0.05);
}

TEST(ServingMetrics, RequestFiguresFollowFromTheRequests) {
  std::deque<Request> rs(2);
  rs[0].arrival_s = 0;
  rs[0].input_tokens = 100;
  rs[0].output_tokens = 11;
  rs[0].generated = 11;
  rs[0].first_scheduled_s = 1;
  rs[0].first_token_s = 2;
  rs[0].finish_s = 12;  // TPOT 1 s
  rs[1] = rs[0];
  rs[1].arrival_s = 4;
  rs[1].first_scheduled_s = 4;
  rs[1].first_token_s = 9;  // TTFT 5 s misses the SLO below
  rs[1].finish_s = 14;
  InferenceResult r;
  r.slo.ttft_s = 3;
  r.slo.tpot_s = 2;
  fill_request_metrics(rs, 14, 1, r);
  EXPECT_EQ(r.completed, 2);
  EXPECT_DOUBLE_EQ(r.ttft_s.mean, 3.5);
  EXPECT_DOUBLE_EQ(r.tpot_s.p50, (1.0 + 0.5) / 2);
  EXPECT_DOUBLE_EQ(r.output_tokens_per_s, 22.0 / 14);
  EXPECT_DOUBLE_EQ(r.goodput_requests_per_s, 1.0 / 14);
  EXPECT_DOUBLE_EQ(r.slo_attainment, 0.5);
  EXPECT_DOUBLE_EQ(r.queue_mean, 1.0 / 14);
  EXPECT_EQ(r.series.size(), 14u);
  EXPECT_EQ(r.series[4].arrivals, 1);
  EXPECT_DOUBLE_EQ(r.series[0].queued, 1.0);
}

}  // namespace
}  // namespace capsim::sim::serving
