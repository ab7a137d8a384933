#include "models/network/collective_calibration.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

namespace capsim::net {

double CalibrationCurve::min_bytes() const { return points > 0 ? std::exp(log_bytes[0]) : 0; }
double CalibrationCurve::max_bytes() const {
  return points > 0 ? std::exp(log_bytes[static_cast<std::size_t>(points - 1)]) : 0;
}

double CalibrationCurve::time_s(double bytes) const {
  if (points <= 0) return 0;
  const double x = std::log(std::max(bytes, 1.0));
  const auto first = log_bytes.begin();
  const auto last = log_bytes.begin() + points;
  if (x <= *first) return std::exp(log_time[0]);
  if (x >= *(last - 1)) return std::exp(log_time[static_cast<std::size_t>(points - 1)]);
  const auto hi = static_cast<std::size_t>(std::upper_bound(first, last, x) - first);
  const std::size_t lo = hi - 1;
  const double w = (x - log_bytes[lo]) / (log_bytes[hi] - log_bytes[lo]);
  return std::exp(log_time[lo] + w * (log_time[hi] - log_time[lo]));
}

CollectiveCalibration::CollectiveCalibration(const std::vector<hw::MeasuredCollective>& measured) {
  for (const hw::MeasuredCollective& m : measured) {
    if (count_ == kMaxCurves) break;
    CollectiveOp op;
    const std::size_t n = std::min(m.bytes.size(), m.time_s.size());
    if (!collective_op_from_string(m.op, op) || n == 0 || m.ranks < 1) continue;
    CalibrationCurve& c = curves_[static_cast<std::size_t>(count_++)];
    c.op = op;
    c.ranks = m.ranks;
    c.nodes = std::max(1, m.nodes);
    const std::size_t keep = std::min<std::size_t>(n, CalibrationCurve::kMaxPoints);
    double last_x = -1;
    for (std::size_t i = 0; i < keep; ++i) {
      const std::size_t src = keep == 1 ? 0 : i * (n - 1) / (keep - 1);
      const double x = std::log(std::max(m.bytes[src], 1.0));
      if (x <= last_x || !(m.time_s[src] > 0)) continue;  // sizes must rise; nccl-tests repeats none
      c.log_bytes[static_cast<std::size_t>(c.points)] = x;
      c.log_time[static_cast<std::size_t>(c.points)] = std::log(m.time_s[src]);
      ++c.points;
      last_x = x;
    }
    if (c.points == 0) --count_;
  }
}

const CalibrationCurve* CollectiveCalibration::find(CollectiveOp op, int ranks, bool multi_node) const {
  const CalibrationCurve* best = nullptr;
  for (int i = 0; i < count_; ++i) {
    const CalibrationCurve& c = curves_[static_cast<std::size_t>(i)];
    if (c.op != op || (c.nodes > 1) != multi_node) continue;
    if (best == nullptr || std::abs(c.ranks - ranks) < std::abs(best->ranks - ranks)) best = &c;
  }
  return best;
}

bool collective_op_from_string(std::string_view name, CollectiveOp& op) {
  std::string s;
  for (char ch : name) {
    if (ch != '_' && ch != '-' && ch != ' ') s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  if (s.size() > 4 && s.compare(s.size() - 4, 4, "perf") == 0) s.resize(s.size() - 4);
  if (s == "allreduce") op = CollectiveOp::all_reduce;
  else if (s == "reducescatter") op = CollectiveOp::reduce_scatter;
  else if (s == "allgather") op = CollectiveOp::all_gather;
  else if (s == "alltoall") op = CollectiveOp::all_to_all;
  else if (s == "sendrecv") op = CollectiveOp::send_recv;
  else return false;
  return true;
}

}  // namespace capsim::net
