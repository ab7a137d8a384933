#pragma once
/// @file serving_metrics.hpp
/// Turns the requests of a finished run into the result's latency percentiles, throughput, goodput, queue figures
/// and time series.

#include <deque>
#include <vector>

#include "sim/serving/inference_result.hpp"
#include "sim/serving/request.hpp"

namespace capsim::sim::serving {

/// The q-quantile (0..1) of ascending `sorted` values, interpolating linearly between order statistics (NumPy's
/// default "linear" method). 0 for no values.
double percentile(const std::vector<double>& sorted, double q);
/// Mean, p50, p90, p99 and max of `values` (sorted in place).
LatencyStats summarize(std::vector<double>& values);
/// A round time-series interval (1, 2 or 5 x 10^k seconds) giving about `buckets` buckets over `span_s`.
double nice_interval(double span_s, int buckets);

/// Fills the request-level figures of `result` from `requests` (every request the replicas took) for a run that
/// stopped at `end_s`; `interval_s` <= 0 picks one from the run's length. `result.rejected` and `result.slo` must be
/// set already.
void fill_request_metrics(const std::deque<Request>& requests, double end_s, double interval_s,
                          InferenceResult& result);

}  // namespace capsim::sim::serving
