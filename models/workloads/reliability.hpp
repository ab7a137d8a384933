#pragma once
/// @file reliability.hpp
/// Failures and goodput of a training job: per-component failure rates give the job's interruption rate, which
/// grows with its size; each interruption costs a restart and the work since the last durable checkpoint; the
/// Young/Daly interval balances that loss against the checkpoint stall. A seeded Monte Carlo timeline of the whole
/// run gives the spread of finish times.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/hardware/cluster.hpp"
#include "models/workloads/checkpoint.hpp"

namespace capsim::workloads {

/// Unexpected-interruption rates per component, per second per component.
struct FailureRates {
  double gpu_per_s = 0;       ///< per GPU: faulty GPU, SRAM, GPU system processor, thermal, silent data corruption
  double hbm_per_s = 0;       ///< per GPU: HBM
  double node_per_s = 0;      ///< per node: host maintenance, CPU, memory, SSD, power supply, chassis
  double nic_per_s = 0;       ///< per NIC
  double link_per_s = 0;      ///< per fabric cable
  double switch_per_s = 0;    ///< per fabric switch
  double software_per_s = 0;  ///< per GPU: software bugs, NCCL watchdog timeouts, dependencies
};

/// Component counts of the part of the cluster a job spans.
struct JobComponents {
  double gpus = 0, nodes = 0, nics = 0, links = 0, switches = 0;
};

/// Components of a job on `gpus` GPUs: its nodes and NICs, and the cables and switches of a non-blocking fat-tree
/// of `radix`-port switches over those NICs (`tiers` 0 = the fewest that fit).
JobComponents job_components(int gpus, int gpus_per_node, int nics_per_node, int tiers = 0, int radix = 64);

/// Rates that reproduce Llama 3's 405B pre-training: 419 unexpected interruptions in 54 days on 16,384 H100s
/// (2,048 nodes, one 400 Gb/s NIC per GPU, a 3-tier Clos), split by the paper's causes (Llama 3 paper, Table 5).
FailureRates llama3_failure_rates();

/// Reliability inputs of a scenario.
struct ReliabilitySpec {
  FailureRates rates = llama3_failure_rates();
  /// Detect, reschedule, re-initialize NCCL and reload, seconds. Estimate: 10 min; Llama 3 reports automation, not
  /// a figure.
  double restart_overhead_s = 600;
  int monte_carlo_runs = 200;
};

/// What one checkpoint costs a training job, seconds: the inputs of its interval.
struct CheckpointLoad {
  double stall_s = 0;  ///< training paused per checkpoint: the whole write (sync) or the GPU-to-host copy (async)
  /// Training time lost per checkpoint while an asynchronous save runs beside the training: its write sharing the
  /// fabric and the storage with the training's own traffic, and the framework's background save work slowing the
  /// trainer (`background_s`, included). 0 when sync: training is paused then.
  double contention_s = 0;
  /// From the start of a checkpoint until its last byte is durable on its tier (async: the copy, then the write).
  /// The next checkpoint cannot start before: the interval's floor.
  double durable_s = 0;
  double background_s = 0;  ///< the framework's part of contention_s (CheckpointCost::async_background_s)

  /// What a checkpoint costs training: Daly's checkpoint time.
  double cost_s() const { return stall_s + contention_s; }
  /// How long after its stall a checkpoint becomes durable (lost on top of the interval when a failure comes first).
  double lag_s() const { return durable_s > stall_s ? durable_s - stall_s : 0.0; }
};

/// The term that set a checkpoint interval.
enum class IntervalBound {
  young_daly,  ///< Daly's optimum for the checkpoint's cost and the job's MTBF
  durable,     ///< the previous checkpoint's time to become durable: the next cannot start earlier
  scenario,    ///< the interval the scenario asks for
  no_failures  ///< no interruptions expected and no interval asked: no checkpoints (interval 0)
};

/// "young-daly", "durable", "scenario", "no-failures".
std::string_view to_string(IntervalBound bound);

/// What failures do to a job.
struct ReliabilityResult {
  double interruptions_per_day = 0;
  double mtbf_s = 0;  ///< mean time between the job's interruptions
  std::vector<std::pair<std::string, double>> interruptions_per_day_by_cause;
  double checkpoint_interval_s = 0;  ///< training time between checkpoints
  double checkpoint_stall_s = 0;     ///< training paused per checkpoint
  double checkpoint_contention_s = 0;  ///< training time lost per checkpoint beside an async save (CheckpointLoad)
  double checkpoint_background_s = 0;  ///< the framework's background save work, part of the contention
  double checkpoint_cost_s = 0;        ///< stall plus contention: Daly's checkpoint time
  double checkpoint_durable_s = 0;     ///< from a checkpoint's start to its last byte durable: the interval's floor
  double young_daly_interval_s = 0;    ///< Daly's optimum for checkpoint_cost_s alone (0 without failures)
  double requested_interval_s = 0;     ///< the scenario's interval; 0 = automatic
  IntervalBound interval_bound = IntervalBound::young_daly;  ///< which term set checkpoint_interval_s
  bool checkpoint_cost_simulated = false;  ///< the cost and durable time come from a DES step that wrote one
  int checkpoints_kept = 0;  ///< retention on the checkpoint tier, the one being written included (planner)
  double lost_work_s = 0;            ///< expected recomputed work per interruption
  double restart_overhead_s = 0;
  double goodput = 1;                      ///< useful training time / wall time
  double time_to_train_s = 0;              ///< failure-free, no checkpoints; 0 = no token count
  double effective_time_to_train_s = 0;    ///< time_to_train_s / goodput
  int monte_carlo_runs = 0;
  double finish_p10_s = 0, finish_p50_s = 0, finish_p90_s = 0;  ///< Monte Carlo wall time of the whole run
};

/// Interruptions per second of a job with `components`.
double interruption_rate_per_s(const FailureRates& rates, const JobComponents& components);

/// Daly's (2006) optimum compute time between checkpoints for checkpoint cost `stall_s` and MTBF `mtbf_s`:
/// sqrt(2 d M) [1 + sqrt(d / 2M) / 3 + d / 18M] - d for d < 2M, else M. Young's sqrt(2 d M) to first order.
double daly_interval_s(double stall_s, double mtbf_s);

/// Expected share of useful time (Daly 2006, exponential failures): interval / (M e^((R + lag)/M)
/// (e^((interval + stall)/M) - 1)). `lag_s`: how long a checkpoint takes to become durable after its stall (the
/// asynchronous write), lost on top of the interval when a failure strikes first.
double expected_goodput(double interval_s, double stall_s, double lag_s, double restart_s, double mtbf_s);

/// Monte Carlo finish times of `work_s` seconds of training, `runs` timelines with exponential failures at
/// `rate_per_s`, seeded. Sorted ascending.
std::vector<double> simulate_finish_times(double work_s, double interval_s, double stall_s, double lag_s,
                                          double restart_s, double rate_per_s, int runs, std::uint64_t seed);

/// Training time an asynchronous checkpoint write costs by sharing a bottleneck with the training's traffic, seconds.
/// The write lasts `write_s` and takes `share` (0..1) of the bandwidth of the links the training's scale-out traffic
/// crosses; that traffic keeps each step of `step_s` waiting for `exposed_s`. Each of the write_s / step_s steps it
/// overlaps stretches by exposed_s x share / (1 - share) (the traffic gets 1 - share of its bandwidth).
double write_contention_s(double write_s, double share, double exposed_s, double step_s);

/// The same from a simulated step that wrote the checkpoint: that step's work took `extra_s` longer than the step
/// without it (stall excluded), over `work_s` of work; a write lasting `write_s` slows write_s / work_s such steps.
double measured_contention_s(double extra_s, double work_s, double write_s);

/// Where an asynchronous checkpoint write runs beside the training: what it shares with the training's own traffic.
struct WriteContext {
  double read_share = 0;  ///< share of the checkpoint tier's bandwidth the training's data reads keep (0..0.5)
  double path_Bps = 0;    ///< one node's share of the links the write crosses (write_path_Bps)
  double node_B = 0;      ///< bytes one node writes per checkpoint
  double exposed_s = 0;   ///< time per step the training waits on its scale-out traffic (what the write slows)
  double step_s = 0;      ///< one step
};

/// What one checkpoint of `cost` on `tier` costs a job, closed form. Sync: the whole write is the stall and it is
/// durable at its end. Async: the GPU-to-host copy is the stall; the framework's background save work slows the
/// trainer (cost.async_background_s); the write then gets the tier's bandwidth the data reads leave, and, unless the
/// tier is node-local, slows the steps it overlaps by sharing the training's links (write_contention_s). Every
/// command (run, plan, fleet) costs a checkpoint through this.
CheckpointLoad closed_form_load(const CheckpointCost& cost, CheckpointMode mode, const hw::StorageTier& tier,
                                const WriteContext& ctx);

/// Ports per fabric switch: the scenario's radix, else the fabric builders' default (64 ports at 400 Gb/s and up,
/// else 40).
int fabric_radix(const hw::ClusterSpec& cluster);

/// Scale-out bandwidth of one node's share of the links a checkpoint write crosses, bytes/s: its NICs, or on a tree
/// of more than one tier its part of its leaf's uplinks (oversubscribed), since the storage servers hang beyond the
/// leaves.
double write_path_Bps(const hw::ClusterSpec& cluster);

/// A checkpoint interval and the term that set it.
struct CheckpointInterval {
  double interval_s = 0;  ///< training time between checkpoints; 0 = none taken
  IntervalBound bound = IntervalBound::young_daly;
};

/// The interval a job checkpoints at: `requested_s` when > 0, else Daly's optimum for `load.cost_s()` and `mtbf_s`
/// (none when mtbf_s <= 0: no failures, no checkpoints); either way no shorter than the time the last checkpoint
/// takes to become durable, and rounded to whole steps of `step_time_s` (up, when the floor set it).
CheckpointInterval checkpoint_interval(const CheckpointLoad& load, double mtbf_s, double step_time_s,
                                       double requested_s);

/// Everything above for one job. `interval_s` 0 = Daly's optimum for `load`'s cost (none without failures); either
/// way no shorter than the time a checkpoint takes to become durable, and rounded to whole steps of `step_time_s`.
ReliabilityResult evaluate_reliability(const ReliabilitySpec& spec, const JobComponents& components,
                                       double step_time_s, double time_to_train_s, const CheckpointLoad& load,
                                       double interval_s, std::uint64_t seed);

}  // namespace capsim::workloads
