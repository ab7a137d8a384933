#include "sim/serving/serving_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace capsim::sim::serving {

namespace {

constexpr std::size_t kMaxBuckets = 10'000;

/// Adds `weight` x (overlap of [from, to) with each bucket) / interval to `series` (a time average).
void add_span(std::vector<double>& series, double interval_s, double from, double to, double weight) {
  if (to <= from || series.empty()) return;
  const auto first = static_cast<std::size_t>(std::max(0.0, from / interval_s));
  for (std::size_t b = first; b < series.size(); ++b) {
    const double lo = b * interval_s;
    const double hi = lo + interval_s;
    if (lo >= to) break;
    series[b] += weight * (std::min(hi, to) - std::max(lo, from)) / interval_s;
  }
}

std::size_t bucket_of(double t_s, double interval_s, std::size_t buckets) {
  return std::min(buckets - 1, static_cast<std::size_t>(std::max(0.0, t_s / interval_s)));
}

bool within(double value, double target) { return target <= 0 || value <= target; }

double at_percentile(const LatencyStats& s, int p) { return p >= 99 ? s.p99 : p >= 90 ? s.p90 : s.p50; }

}  // namespace

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(sorted.size() - 1, lo + 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

LatencyStats summarize(std::vector<double>& values) {
  LatencyStats s;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  s.p50 = percentile(values, 0.50);
  s.p90 = percentile(values, 0.90);
  s.p99 = percentile(values, 0.99);
  s.max = values.back();
  return s;
}

double nice_interval(double span_s, int buckets) {
  const double raw = std::max(1e-3, span_s / std::max(1, buckets));
  // Clock-friendly steps from a second to a day; 1-2-5 decades outside that range.
  static constexpr double kSteps[] = {1,   2,   5,    10,   15,   30,    60,    120,   300,
                                      600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
  if (raw >= 1 && raw <= 86400) {
    for (double step : kSteps) {
      if (step >= raw) return step;
    }
  }
  const double decade = std::pow(10.0, std::floor(std::log10(raw)));
  for (double step : {1.0, 2.0, 5.0}) {
    if (step * decade >= raw) return step * decade;
  }
  return 10.0 * decade;
}

void fill_request_metrics(const std::deque<Request>& requests, double end_s, double interval_s, InferenceResult& r) {
  double start_s = end_s;
  for (const Request& q : requests) start_s = std::min(start_s, q.arrival_s);
  if (requests.empty()) start_s = 0;
  const double span = std::max(end_s - start_s, 1e-9);
  r.duration_s = end_s - start_s;
  r.interval_s = interval_s > 0 ? interval_s : nice_interval(std::max(end_s, 1e-3), 60);
  const std::size_t buckets = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::ceil(std::max(end_s, 1e-9) / r.interval_s)), 1, kMaxBuckets);
  r.interval_s = std::max(r.interval_s, end_s / static_cast<double>(buckets));

  std::vector<double> ttft, tpot, e2e, queue;
  std::vector<double> running(buckets, 0.0), queued(buckets, 0.0), tokens(buckets, 0.0);
  std::vector<std::vector<double>> bucket_ttft(buckets);
  std::vector<std::int64_t> arrivals(buckets, 0);
  double out_tokens = 0, in_tokens = 0, queue_area = 0, running_area = 0;
  std::int64_t good = 0;
  r.requests = static_cast<std::int64_t>(requests.size()) + r.rejected;  // rejected ones never entered
  for (const Request& q : requests) {
    ++arrivals[bucket_of(q.arrival_s, r.interval_s, buckets)];
    const double scheduled = q.first_scheduled_s >= 0 ? q.first_scheduled_s : end_s;
    const double finished = q.finish_s >= 0 ? q.finish_s : end_s;
    add_span(queued, r.interval_s, q.arrival_s, scheduled, 1.0);
    add_span(running, r.interval_s, scheduled, finished, 1.0);
    queue_area += scheduled - q.arrival_s;
    running_area += std::max(0.0, finished - scheduled);
    if (q.first_token_s >= 0) {
      const std::size_t b = bucket_of(q.first_token_s, r.interval_s, buckets);
      tokens[b] += 1;
      bucket_ttft[b].push_back(q.first_token_s - q.arrival_s);
      // The other tokens come at a steady pace between the first and the last (or the stop).
      const double later = q.generated - 1.0;
      if (later > 0) {
        const double until = q.finish_s >= 0 ? q.finish_s : end_s;
        if (until > q.first_token_s) {
          add_span(tokens, r.interval_s, q.first_token_s, until, later * r.interval_s / (until - q.first_token_s));
        } else {
          tokens[b] += later;
        }
      }
    }
    out_tokens += q.generated;
    if (q.finish_s < 0) continue;
    ++r.completed;
    in_tokens += q.input_tokens;
    const double t_first = q.first_token_s - q.arrival_s;
    const double t_all = q.finish_s - q.arrival_s;
    ttft.push_back(t_first);
    e2e.push_back(t_all);
    queue.push_back(q.first_scheduled_s - q.arrival_s);
    double per_token = 0;
    if (q.output_tokens > 1) {
      per_token = (t_all - t_first) / (q.output_tokens - 1);
      tpot.push_back(per_token);
    }
    if (within(t_first, r.slo.ttft_s) && within(per_token, r.slo.tpot_s)) ++good;
  }
  r.unfinished = r.requests - r.completed - r.rejected;
  r.ttft_s = summarize(ttft);
  r.tpot_s = summarize(tpot);
  r.e2e_s = summarize(e2e);
  r.queue_s = summarize(queue);
  r.output_tokens_per_s = out_tokens / span;
  r.input_tokens_per_s = in_tokens / span;
  r.requests_per_s = static_cast<double>(r.completed) / span;
  r.goodput_requests_per_s = static_cast<double>(good) / span;
  r.slo_attainment = r.requests > 0 ? static_cast<double>(good) / static_cast<double>(r.requests) : 0;
  r.slo_met = r.unfinished == 0 && r.rejected == 0 &&
              within(at_percentile(r.ttft_s, r.slo.ttft_percentile), r.slo.ttft_s) &&
              within(at_percentile(r.tpot_s, r.slo.tpot_percentile), r.slo.tpot_s);
  r.queue_mean = queue_area / span;
  r.running_mean = running_area / span;

  r.series.assign(buckets, TimeSeriesPoint{});
  for (std::size_t b = 0; b < buckets; ++b) {
    TimeSeriesPoint& p = r.series[b];
    p.start_s = b * r.interval_s;
    p.arrivals = arrivals[b];
    p.running = running[b];
    p.queued = queued[b];
    p.output_tokens_per_s = tokens[b] / r.interval_s;
    p.first_tokens = static_cast<std::int64_t>(bucket_ttft[b].size());
    std::sort(bucket_ttft[b].begin(), bucket_ttft[b].end());
    p.ttft_p90_s = percentile(bucket_ttft[b], 0.90);
  }
}

}  // namespace capsim::sim::serving
