#include "models/network/collective_table.hpp"

#include <cmath>

namespace capsim::net {

std::vector<double> sweep_sizes(double min_bytes, double max_bytes, double factor) {
  std::vector<double> sizes;
  if (!(min_bytes > 0) || max_bytes < min_bytes) return sizes;
  if (!(factor > 1)) return {min_bytes};
  for (double s = min_bytes; s <= max_bytes * (1 + 1e-12); s = std::round(s * factor)) sizes.push_back(s);
  return sizes;
}

std::vector<CollectiveRow> collective_table(const NcclCollectives& model, CollectiveOp op, const CommGroup& group,
                                            const std::vector<double>& sizes) {
  std::vector<CollectiveRow> rows;
  rows.reserve(sizes.size());
  for (double bytes : sizes) {
    CollectiveRow row;
    row.bytes = bytes;
    row.estimate = model.estimate(op, bytes, group);
    row.time_s = row.estimate.time_s;
    row.algbw_Bps = row.time_s > 0 ? bytes / row.time_s : 0;
    row.busbw_Bps = row.algbw_Bps * bus_factor(op, group.ranks);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace capsim::net
