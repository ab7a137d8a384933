#pragma once
/// @file reliability.hpp
/// Failures and goodput of a training job: per-component failure rates give the job's interruption rate, which
/// grows with its size; each interruption costs a restart and the work since the last durable checkpoint; the
/// Young/Daly interval balances that loss against the checkpoint stall. A seeded Monte Carlo timeline of the whole
/// run gives the spread of finish times.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

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

/// What failures do to a job.
struct ReliabilityResult {
  double interruptions_per_day = 0;
  double mtbf_s = 0;  ///< mean time between the job's interruptions
  std::vector<std::pair<std::string, double>> interruptions_per_day_by_cause;
  double checkpoint_interval_s = 0;  ///< training time between checkpoints
  double checkpoint_stall_s = 0;     ///< training paused per checkpoint
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

/// Everything above for one job. `interval_s` 0 = Daly's optimum, rounded to whole steps of `step_time_s`.
ReliabilityResult evaluate_reliability(const ReliabilitySpec& spec, const JobComponents& components,
                                       double step_time_s, double time_to_train_s, double stall_s, double lag_s,
                                       double interval_s, std::uint64_t seed);

}  // namespace capsim::workloads
