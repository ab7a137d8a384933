#pragma once
/// @file des_checkpoint.hpp
/// Private to sim/des: the checkpoint every job writes during a simulated step. Each node that holds shards sends
/// them as one flow (rails are merged) through its fabric link to a storage endpoint, round-robin over the
/// endpoints (checkpoint_plan.hpp), so the writes share the node's link, its leaf's uplinks and the spines with the
/// training flows; the flow starts at the node's storage client when the tier bounds what one node can write. Timers stand for the GPU-to-host copy (async) and the tier's time to first byte. The simulation
/// (des_training.cpp) starts what this class asks for and reports back the completions.

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include <simgrid/forward.h>

#include "sim/des/checkpoint_plan.hpp"
#include "sim/des/des_engine.hpp"
#include "sim/des/des_platform.hpp"

namespace capsim::sim::des {

/// What one job's checkpoint cost in the simulated step, seconds from the start of the step.
struct CheckpointOutcome {
  double bytes = 0;
  double open_s = 0;     ///< when the job began writing (time to first byte included in the write)
  double end_s = 0;      ///< when its last byte was stored
  double release_s = 0;  ///< when its compute could start: the stall
};

/// The checkpoint traffic of every job in one simulation.
class CheckpointTraffic {
 public:
  /// What one of its activities stands for.
  enum class Event : int { copied, opened, written };
  /// Keeps `activity` alive until the run ends, tags it with `job` and `event` (handed back to on_complete) and
  /// starts it.
  using Launch = std::function<void(const simgrid::s4u::ActivityPtr& activity, int job, Event event)>;

  /// No checkpoint: every job runs at once.
  CheckpointTraffic() = default;
  /// Plans `jobs`' checkpoints on `platform` (built with storage) and gives each endpoint its group of servers:
  /// the tier's bandwidth in proportion to the bytes it receives, as striping over every server balances them.
  CheckpointTraffic(const DesPlatform& platform, const DesCheckpoint& spec, std::vector<JobCheckpoint> jobs);

  /// Starts every job's copy or writes at time 0.
  void begin(const Launch& launch);
  /// Whether `job` may run its compute yet.
  bool released(int job) const { return jobs_.empty() || outcomes_[job].release_s >= 0; }
  /// Takes the completion of one of this class's activities; returns true when it releases `job`'s compute.
  bool on_complete(int job, Event event, const Launch& launch);
  /// What `job`'s checkpoint cost; all zero without a checkpoint.
  CheckpointOutcome outcome(int job) const { return jobs_.empty() ? CheckpointOutcome{} : outcomes_[job]; }
  /// When the last write of any job ended (0 without a checkpoint).
  double end_s() const;
  /// Adds the bytes of every write to `pair_bytes` (source port << 32 | destination port, DesPlatform::port()).
  void add_pair_bytes(std::unordered_map<std::uint64_t, double>& pair_bytes) const;

 private:
  void start_timer(int job, Event event, double seconds, const Launch& launch);
  void open(int job, const Launch& launch);
  void release(int job);

  const DesPlatform* platform_ = nullptr;
  DesCheckpoint spec_;
  std::vector<JobCheckpoint> jobs_;
  EndpointAssignment endpoints_;
  std::vector<CheckpointOutcome> outcomes_;
  std::vector<int> remaining_;  ///< by job: writes still running
};

}  // namespace capsim::sim::des
