#pragma once
/// @file des_state.hpp
/// Private to sim/des: the per-stage state the DES scheduler keeps, and the functions that turn it into results
/// once SimGrid has run (des_results.cpp).

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/des/des_platform.hpp"
#include "sim/des/des_training.hpp"
#include "sim/des/job_plan.hpp"

namespace capsim::sim::des {

/// State of one pipeline stage of one data-parallel replica.
struct StageState {
  int job = 0;
  int stage = 0;
  int replica = 0;
  int cursor = 0;
  bool busy = false;
  int outstanding = 0;  ///< the current op's compute and context-parallel flows still running
  double op_start_s = 0;
  double exec_end_s = 0;
  double context_s = 0;  ///< time ops waited for their context-parallel exchange after their compute
  bool waits_gather = false;  ///< the op in flight also waits for the step's overlapped parameter gather
  double gather_wait_s = 0;   ///< time the first op waited for that gather after its compute
  std::vector<std::uint8_t> f_arrived;  ///< by chunk x m + micro-batch
  std::vector<std::uint8_t> b_arrived;
  double busy_s = 0;
  double expert_s = 0;  ///< time in expert all-to-all exchanges on the fabric
  double pipe_end_s = 0;
  double last_backward_s = 0;
};

/// When a stage's data-parallel phases ended; negative when the stage had none.
struct StageEnd {
  double dp_start_s = -1;
  double dp_end_s = -1;
  double gather_end_s = -1;
  /// The reduction started during the last micro-batch's backward pass (overlap_grad_reduce): what it did not hide
  /// is already in dp_end_s, no overlap window is credited.
  bool reduce_beside_backward = false;
  /// The parameter gather ran at the start of the step beside the first forward pass (overlap_param_gather): its
  /// exposed part is the first op's wait (StageState::gather_wait_s).
  bool gather_at_start = false;
};

/// When the step counts stage `phase`'s gradient reduction as ended, after its pipeline ended at `pipe_end_s` with
/// a last backward op of `last_backward_s`: the pipeline's end when it exposed none.
double reduction_end_s(const JobPlan& plan, const StageEnd& phase, double pipe_end_s, double last_backward_s);

/// One job's step from the states of its stage slots (`slots[stage x dp + replica]`) and the ends of its
/// data-parallel phases (`ends[stage]`): the critical stage's busy, idle and exposed communication time. The job's
/// compute started at `start_s` (a checkpoint stall): the step time includes it, the idle parts do not.
DesJobResult job_result(const JobPlan& plan, const StageState* slots, const std::vector<StageEnd>& ends,
                        double start_s = 0);

/// The `top` most utilized links over `makespan_s`, from the bytes sent between each pair of ports (key: source
/// << 32 | destination, as DesPlatform::port() numbers them); one route lookup per pair. Ties are ordered by name.
std::vector<LinkLoad> busiest_links(const DesPlatform& platform, const std::unordered_map<std::uint64_t, double>& pair_bytes,
                                    double makespan_s, int top);

}  // namespace capsim::sim::des
