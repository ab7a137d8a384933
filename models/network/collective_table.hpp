#pragma once
/// @file collective_table.hpp
/// What nccl-tests prints, predicted: one row per message size with time, algorithm bandwidth and bus bandwidth.

#include <vector>

#include "models/network/nccl_collectives.hpp"

namespace capsim::net {

/// One predicted row, nccl-tests conventions: algbw = bytes / time, busbw = algbw x bus_factor.
struct CollectiveRow {
  double bytes = 0;
  double time_s = 0;
  double algbw_Bps = 0;
  double busbw_Bps = 0;
  CollectiveEstimate estimate;
};

/// The sizes nccl-tests -b min -e max -f factor visits: min, min x factor, ... up to max (inclusive).
std::vector<double> sweep_sizes(double min_bytes, double max_bytes, double factor);

/// Predicted rows for `op` on `group` at each of `sizes`.
std::vector<CollectiveRow> collective_table(const NcclCollectives& model, CollectiveOp op, const CommGroup& group,
                                            const std::vector<double>& sizes);

}  // namespace capsim::net
