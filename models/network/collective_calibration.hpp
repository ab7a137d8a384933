#pragma once
/// @file collective_calibration.hpp
/// Measured collective curves (nccl-tests tables) held in fixed-size arrays, so that a collective model carrying
/// them is copied and queried without touching the heap. Interpolation is linear in log(size) and log(time).

#include <array>
#include <string_view>
#include <vector>

#include "models/hardware/cluster.hpp"
#include "models/network/collective_model.hpp"

namespace capsim::net {

/// One measured curve: time against size for one operation on one communicator shape.
struct CalibrationCurve {
  static constexpr int kMaxPoints = 48;
  CollectiveOp op = CollectiveOp::all_reduce;
  int ranks = 0;
  int nodes = 0;
  int points = 0;
  // Left uninitialized beyond `points`: a model copies these on every construction.
  std::array<double, kMaxPoints> log_bytes;
  std::array<double, kMaxPoints> log_time;

  double min_bytes() const;
  double max_bytes() const;
  /// Measured seconds at `bytes`, clamped to the measured range (interpolated in log-log between points).
  double time_s(double bytes) const;
};

/// Up to kMaxCurves measured curves.
class CollectiveCalibration {
 public:
  static constexpr int kMaxCurves = 4;

  CollectiveCalibration() = default;
  /// Keeps the first kMaxCurves curves with a known operation and at least one point; longer curves are thinned
  /// evenly to kMaxPoints points (the ends kept).
  explicit CollectiveCalibration(const std::vector<hw::MeasuredCollective>& measured);

  bool empty() const { return count_ == 0; }
  /// The curve measuring `op` on the same tier (`nodes` == 1: inside one scale-up domain, else across nodes),
  /// preferring the one whose rank count is closest to `ranks`; nullptr if none.
  const CalibrationCurve* find(CollectiveOp op, int ranks, bool multi_node) const;

 private:
  std::array<CalibrationCurve, kMaxCurves> curves_;
  int count_ = 0;
};

/// The CollectiveOp named `name` ("all_reduce", "allreduce", "all_reduce_perf", ...); false if unknown.
bool collective_op_from_string(std::string_view name, CollectiveOp& op);

}  // namespace capsim::net
