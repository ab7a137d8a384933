#include "models/workloads/reliability.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace capsim::workloads {

namespace {

constexpr double kDay = 86400.0;

// Llama 3 paper, 54-day snapshot: 419 unexpected interruptions on 16,384 H100s.
constexpr double kLlamaGpus = 16384, kLlamaNodes = 2048, kLlamaNics = 16384;
constexpr double kLlamaPerDay = 419.0 / 54.0;

/// Uniform in [0, 1) from the top 53 bits: the same numbers on every standard library.
double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
double exponential(std::mt19937_64& rng, double rate) { return -std::log1p(-uniform(rng)) / rate; }

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

JobComponents job_components(int gpus, int gpus_per_node, int nics_per_node, int tiers, int radix) {
  JobComponents c;
  c.gpus = gpus;
  c.nodes = std::ceil(static_cast<double>(gpus) / std::max(gpus_per_node, 1));
  c.nics = c.nodes * std::max(nics_per_node, 1);
  const double r = std::max(radix, 4);
  if (tiers <= 0) tiers = c.nics <= r ? 1 : c.nics <= r * r / 2 ? 2 : 3;
  tiers = std::clamp(tiers, 1, 3);
  // A non-blocking fat-tree: one cable per NIC per tier; leaf and spine tiers use half their ports downward, the
  // top tier all of them: 2N/r switches per lower tier and N/r at the top.
  c.links = c.nics * tiers;
  c.switches = tiers == 1 ? std::ceil(c.nics / r) : std::ceil(c.nics * (2.0 * (tiers - 1) + 1.0) / r);
  return c;
}

FailureRates llama3_failure_rates() {
  // Shares of unexpected interruptions (Llama 3 paper, Table 5), grouped by the component they scale with. The
  // table's rows add up to 94.9%; the shares are normalized over that.
  const double gpu = 30.1 + 4.5 + 4.1 + 1.4 + 1.4;  // faulty GPU, SRAM, system processor, thermal, SDC
  const double hbm = 17.2;
  const double node = 7.6 + 0.7 + 0.7 + 0.5 + 0.5 + 0.5 + 0.5;  // host maintenance, SSD, PSU, chassis, IO, CPU, DRAM
  const double nic = 1.7;
  const double fabric = 8.4;                  // "network switch and cable", split evenly (assumption)
  const double software = 12.9 + 1.7 + 0.5;  // software bugs, NCCL watchdog, dependencies
  const double total = gpu + hbm + node + nic + fabric + software;
  const JobComponents llama = job_components(static_cast<int>(kLlamaGpus), 8, 8);
  const double per_s = kLlamaPerDay / kDay / total;
  FailureRates f;
  f.gpu_per_s = per_s * gpu / kLlamaGpus;
  f.hbm_per_s = per_s * hbm / kLlamaGpus;
  f.node_per_s = per_s * node / kLlamaNodes;
  f.nic_per_s = per_s * nic / kLlamaNics;
  f.link_per_s = per_s * fabric / 2 / llama.links;
  f.switch_per_s = per_s * fabric / 2 / llama.switches;
  f.software_per_s = per_s * software / kLlamaGpus;
  return f;
}

double interruption_rate_per_s(const FailureRates& f, const JobComponents& c) {
  return f.gpu_per_s * c.gpus + f.hbm_per_s * c.gpus + f.node_per_s * c.nodes + f.nic_per_s * c.nics +
         f.link_per_s * c.links + f.switch_per_s * c.switches + f.software_per_s * c.gpus;
}

double daly_interval_s(double stall_s, double mtbf_s) {
  if (mtbf_s <= 0 || !std::isfinite(mtbf_s)) return 0;  // no failures: never needed
  const double d = std::max(stall_s, 1e-9);
  if (d >= 2 * mtbf_s) return mtbf_s;
  const double x = d / (2 * mtbf_s);
  return std::sqrt(2 * d * mtbf_s) * (1 + std::sqrt(x) / 3 + x / 9) - d;
}

double expected_goodput(double interval_s, double stall_s, double lag_s, double restart_s, double mtbf_s) {
  if (interval_s <= 0) return 1;
  if (mtbf_s <= 0 || !std::isfinite(mtbf_s)) return interval_s / (interval_s + stall_s);
  const double m = mtbf_s;
  const double wall = m * std::exp((restart_s + lag_s) / m) * std::expm1((interval_s + stall_s) / m);
  return std::isfinite(wall) && wall > 0 ? interval_s / wall : 0.0;
}

std::vector<double> simulate_finish_times(double work_s, double interval_s, double stall_s, double lag_s,
                                          double restart_s, double rate_per_s, int runs, std::uint64_t seed) {
  std::vector<double> finish;
  if (work_s <= 0 || interval_s <= 0 || runs <= 0) return finish;
  std::mt19937_64 rng(seed);
  const double segment = interval_s + stall_s;
  for (int run = 0; run < runs; ++run) {
    double t = 0, done = 0;
    // A run that cannot progress stops after a million failures; its time is then a lower bound.
    for (int failures = 0; failures < 1'000'000; ++failures) {
      const double remaining = work_s - done;
      const double to_finish = remaining + std::ceil(remaining / interval_s) * stall_s;
      const double x = rate_per_s > 0 ? exponential(rng, rate_per_s) : to_finish;
      if (x >= to_finish) {
        t += to_finish;
        done = work_s;
        break;
      }
      // Checkpoint j is snapshotted at j x segment and durable lag_s later.
      const double durable = x > lag_s ? std::floor((x - lag_s) / segment) : 0.0;
      done += std::min(durable * interval_s, std::floor(remaining / interval_s) * interval_s);
      t += x + restart_s;
    }
    finish.push_back(t);
  }
  std::sort(finish.begin(), finish.end());
  return finish;
}

std::string_view to_string(IntervalBound bound) {
  switch (bound) {
    case IntervalBound::young_daly: return "young-daly";
    case IntervalBound::durable: return "durable";
    case IntervalBound::scenario: return "scenario";
    case IntervalBound::no_failures: return "no-failures";
  }
  return "?";
}

double write_contention_s(double write_s, double share, double exposed_s, double step_s) {
  if (write_s <= 0 || share <= 0 || exposed_s <= 0 || step_s <= 0) return 0;
  // A write that would take every byte of the bottleneck leaves the training's traffic a sliver, not nothing:
  // max-min fairness gives two competing flows half each.
  const double s = std::min(share, 0.5);
  return write_s / step_s * exposed_s * s / (1 - s);
}

double measured_contention_s(double extra_s, double work_s, double write_s) {
  if (extra_s <= 0 || work_s <= 0) return 0;
  // The simulated step saw the write for at most its own length; a longer write slows the steps after it alike.
  return extra_s * std::max(1.0, write_s / work_s);
}

CheckpointLoad closed_form_load(const CheckpointCost& cost, CheckpointMode mode, const hw::StorageTier& tier,
                                const WriteContext& ctx) {
  CheckpointLoad load;
  if (mode == CheckpointMode::sync) {
    load.stall_s = cost.sync_stall_s;
    load.durable_s = cost.sync_stall_s;
    return load;
  }
  // Training keeps reading its data while an asynchronous write runs: on the same tier the reads keep their share
  // (at most half: max-min fairness between the two streams) and the write gets the rest.
  const double reads = std::clamp(ctx.read_share, 0.0, 0.5);
  const double bytes_s = std::max(cost.write_s - tier.startup_s(), 0.0) / (1 - reads);
  load.stall_s = cost.async_stall_s;
  load.durable_s = cost.async_stall_s + tier.startup_s() + bytes_s;
  load.background_s = cost.async_background_s;
  load.contention_s = load.background_s;
  // A node-local tier keeps the write off the fabric. Otherwise each node's shards cross the links its training
  // traffic uses (path_Bps): the write takes its rate's share of them.
  if (tier.kind != hw::StorageKind::local_nvme && bytes_s > 0) {
    const double share = ctx.path_Bps > 0 ? ctx.node_B / bytes_s / ctx.path_Bps : 0;
    load.contention_s += write_contention_s(bytes_s, share, ctx.exposed_s, ctx.step_s);
  }
  return load;
}

int fabric_radix(const hw::ClusterSpec& cluster) {
  const auto& so = cluster.scale_out;
  const double port_Bps = so.port_bw_Bps > 0 ? so.port_bw_Bps : so.nic_bw_Bps;
  return so.radix > 0 ? so.radix : (port_Bps >= 50e9 ? 64 : 40);
}

double write_path_Bps(const hw::ClusterSpec& cluster) {
  const auto& so = cluster.scale_out;
  const double node_Bps = so.nics_per_node * so.nic_bw_Bps;
  const double ports = static_cast<double>(cluster.nodes) * so.nics_per_node;
  const bool tree = so.topology == "fat-tree" || so.topology == "rail-optimized";
  const bool one_tier = so.tiers == 1 || (so.tiers <= 0 && ports <= fabric_radix(cluster));
  return tree && !one_tier ? node_Bps / std::max(so.oversubscription, 1.0) : node_Bps;
}

CheckpointInterval checkpoint_interval(const CheckpointLoad& load, double mtbf_s, double step_time_s,
                                       double requested_s) {
  const bool failures = mtbf_s > 0 && std::isfinite(mtbf_s);
  CheckpointInterval out;
  // Without failures and without an interval to honour, a checkpoint buys nothing: none is taken.
  if (requested_s <= 0 && !failures) {
    out.bound = IntervalBound::no_failures;
    return out;
  }
  double tau = requested_s > 0 ? requested_s : daly_interval_s(load.cost_s(), mtbf_s);
  out.bound = requested_s > 0 ? IntervalBound::scenario : IntervalBound::young_daly;
  // The next checkpoint cannot start before the last is durable: its stall plus the interval must cover the time
  // the last one takes to reach the tier.
  const bool floored = tau < load.lag_s();
  if (floored) {
    tau = load.lag_s();
    out.bound = IntervalBound::durable;
  }
  // Checkpoints fall on step boundaries; a floor rounds up to the step that clears it.
  if (step_time_s > 0) {
    const double steps = tau / step_time_s;
    tau = std::max(1.0, floored ? std::ceil(steps - 1e-9) : std::round(steps)) * step_time_s;
  }
  out.interval_s = tau;
  return out;
}

ReliabilityResult evaluate_reliability(const ReliabilitySpec& spec, const JobComponents& c, double step_time_s,
                                       double time_to_train_s, const CheckpointLoad& load, double interval_s,
                                       std::uint64_t seed) {
  ReliabilityResult r;
  const FailureRates& f = spec.rates;
  const double rate = interruption_rate_per_s(f, c);
  r.interruptions_per_day = rate * kDay;
  r.mtbf_s = rate > 0 ? 1 / rate : 0;
  r.interruptions_per_day_by_cause = {
      {"gpu", f.gpu_per_s * c.gpus * kDay},     {"hbm", f.hbm_per_s * c.gpus * kDay},
      {"node", f.node_per_s * c.nodes * kDay},  {"nic", f.nic_per_s * c.nics * kDay},
      {"link", f.link_per_s * c.links * kDay},  {"switch", f.switch_per_s * c.switches * kDay},
      {"software", f.software_per_s * c.gpus * kDay}};
  const double cost = load.cost_s();
  const double lag = load.lag_s();
  r.checkpoint_stall_s = load.stall_s;
  r.checkpoint_contention_s = load.contention_s;
  r.checkpoint_background_s = load.background_s;
  r.checkpoint_cost_s = cost;
  r.checkpoint_durable_s = std::max(load.durable_s, load.stall_s);
  r.restart_overhead_s = spec.restart_overhead_s;
  r.requested_interval_s = interval_s;
  r.young_daly_interval_s = daly_interval_s(cost, r.mtbf_s);
  const CheckpointInterval chosen = checkpoint_interval(load, r.mtbf_s, step_time_s, interval_s);
  const double tau = chosen.interval_s;
  r.interval_bound = chosen.bound;
  r.checkpoint_interval_s = tau;
  r.lost_work_s = tau > 0 ? (tau + cost) / 2 + lag : 0;
  r.goodput = expected_goodput(tau, cost, lag, spec.restart_overhead_s, rate > 0 ? r.mtbf_s : 0);
  r.time_to_train_s = time_to_train_s;
  if (time_to_train_s > 0 && r.goodput > 0) {
    r.effective_time_to_train_s = time_to_train_s / r.goodput;
    const auto finish = simulate_finish_times(time_to_train_s, tau, cost, lag, spec.restart_overhead_s, rate,
                                              spec.monte_carlo_runs, seed);
    r.monte_carlo_runs = static_cast<int>(finish.size());
    r.finish_p10_s = percentile(finish, 0.10);
    r.finish_p50_s = percentile(finish, 0.50);
    r.finish_p90_s = percentile(finish, 0.90);
  }
  return r;
}

}  // namespace capsim::workloads
