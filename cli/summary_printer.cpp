#include "cli/summary_printer.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/fabric_summary.hpp"
#include "cli/inference_summary.hpp"
#include "cli/placement_summary.hpp"
#include "sim/core/units.hpp"

namespace capsim::cli {

namespace {

using units::format_bytes;
using units::format_percent;
using units::format_time;

/// Notes the faults line already says (the DES engine's own echo of what it applied).
bool echoes_faults(const std::string& note) {
  return note.rfind("des: failed cables applied", 0) == 0 || note.rfind("des: stragglers applied", 0) == 0;
}

std::string recompute_name(workloads::Recompute r) {
  switch (r) {
    case workloads::Recompute::none: return "none";
    case workloads::Recompute::selective: return "selective";
    case workloads::Recompute::full: return "full";
    case workloads::Recompute::selective_layer: return "selective-layer";
    case workloads::Recompute::selective_op: return "selective-op";
  }
  return "?";
}

std::string layout(const workloads::Parallelism& p) {
  std::string s = fmt::format("TP{} PP{}", p.tp, p.pp);
  if (p.virtual_stages > 1) s += fmt::format(" (x{} interleaved)", p.virtual_stages);
  if (p.cp > 1) s += fmt::format(" CP{}", p.cp);
  s += fmt::format(" DP{}", p.dp);
  if (p.ep > 1) s += fmt::format(" EP{}", p.ep);
  return s;
}

std::string bar(double share, int width) {
  const int n = static_cast<int>(std::clamp(share, 0.0, 1.0) * width + 0.5);
  std::string s;
  for (int i = 0; i < n; ++i) s += "\u2588";
  return s;
}

/// What a checkpoint costs training, in words: its stall, the steps its write slows on the links, and the steps the
/// framework's background save work slows.
std::string checkpoint_cost_words(const workloads::ReliabilityResult& rel) {
  if (rel.checkpoint_contention_s <= 0) {
    return fmt::format("a checkpoint costs training its {} stall", format_time(rel.checkpoint_stall_s));
  }
  const double background = std::clamp(rel.checkpoint_background_s, 0.0, rel.checkpoint_contention_s);
  const double links = rel.checkpoint_contention_s - background;
  std::string parts = format_time(rel.checkpoint_stall_s) + " stall";
  if (links > 0) {
    parts += ", " + format_time(links) + " of steps slowed by its write" +
             (rel.checkpoint_cost_simulated ? " (simulated)" : "");
  }
  if (background > 0) parts += ", " + format_time(background) + " of steps slowed by the framework's background save";
  return fmt::format("a checkpoint costs training {} ({})", format_time(rel.checkpoint_cost_s), parts);
}

/// Why the checkpoint interval is what it is: the term that bound it, the others, and the retention behind it.
void print_interval(const sim::TrainingResult& r, const planner::Scenario& scenario, std::ostream& out) {
  const auto& rel = r.reliability;
  const auto& st = r.storage;
  const std::string durable =
      fmt::format("durable on \"{}\" {} after it starts", st.checkpoint_tier, format_time(rel.checkpoint_durable_s));
  std::string why;
  switch (rel.interval_bound) {
    case workloads::IntervalBound::young_daly:
      why = fmt::format("Young/Daly optimum: {}, MTBF {}; each is {}", checkpoint_cost_words(rel),
                        format_time(rel.mtbf_s), durable);
      break;
    case workloads::IntervalBound::durable:
      why = fmt::format("durability floor: each checkpoint is {} and the next waits for it; {} {} ({})", durable,
                        rel.requested_interval_s > 0 ? "storage.checkpoint.interval asks" : "Young/Daly alone gives",
                        format_time(rel.requested_interval_s > 0 ? rel.requested_interval_s
                                                                 : rel.young_daly_interval_s),
                        checkpoint_cost_words(rel));
      break;
    case workloads::IntervalBound::scenario:
      why = fmt::format("storage.checkpoint.interval ({}; Young/Daly: {}); each is {}", checkpoint_cost_words(rel),
                        format_time(rel.young_daly_interval_s), durable);
      break;
    case workloads::IntervalBound::no_failures: return;  // the Reliability line says there are none
  }
  const hw::StorageTier* tier = nullptr;
  for (const auto& t : scenario.storage.tiers) {
    if (t.name == st.checkpoint_tier) tier = &t;
  }
  const int gpn = std::max(scenario.cluster.gpus_per_node, 1);
  const int nodes = (r.gpus + gpn - 1) / gpn;
  const bool local = tier != nullptr && tier->kind == hw::StorageKind::local_nvme;
  const double one = local ? st.checkpoint.per_gpu_B * gpn : st.checkpoint.total_B;
  const double capacity = tier == nullptr ? 0.0 : local ? tier->capacity_per_node_B : tier->capacity_for_B(nodes);
  out << fmt::format("  {:<16}{}\n", "Interval", why);
  // What the interval asks of the tier: the bytes it keeps, and the write rate it sustains on average.
  std::string kept = fmt::format("{} checkpoints kept on \"{}\", {}{}", rel.checkpoints_kept, st.checkpoint_tier,
                                 format_bytes(rel.checkpoints_kept * one), local ? " per node" : "");
  if (capacity > 0) kept += fmt::format(" of {}", format_bytes(capacity));
  const double rate_Bps = st.checkpoint.total_B / (rel.checkpoint_interval_s + rel.checkpoint_stall_s);
  kept += fmt::format("; written at {} on average", units::format_bandwidth(rate_Bps));
  if (tier != nullptr && tier->bandwidth_Bps(nodes) > 0) {
    kept += fmt::format(" ({} of its {})", format_percent(rate_Bps / tier->bandwidth_Bps(nodes)),
                        units::format_bandwidth(tier->bandwidth_Bps(nodes)));
  }
  out << fmt::format("  {:<16}{}\n", "Retention", kept);
}

/// The failure rates and restart time a scenario sets instead of the Llama 3 defaults, so that a reader knows the
/// interruptions above are the scenario's own.
void print_failure_overrides(const workloads::ReliabilitySpec& spec, std::ostream& out) {
  const workloads::FailureRates d = workloads::llama3_failure_rates();
  const workloads::FailureRates& f = spec.rates;
  const std::pair<const char*, bool> parts[] = {
      {"gpu", f.gpu_per_s != d.gpu_per_s},    {"hbm", f.hbm_per_s != d.hbm_per_s},
      {"node", f.node_per_s != d.node_per_s}, {"nic", f.nic_per_s != d.nic_per_s},
      {"link", f.link_per_s != d.link_per_s}, {"switch", f.switch_per_s != d.switch_per_s},
      {"software", f.software_per_s != d.software_per_s}};
  std::string set;
  for (const auto& [name, changed] : parts) {
    if (changed) set += (set.empty() ? "" : ", ") + std::string(name);
  }
  const bool restart = spec.restart_overhead_s != workloads::ReliabilitySpec{}.restart_overhead_s;
  if (set.empty() && !restart) return;
  const bool all = std::all_of(std::begin(parts), std::end(parts), [](const auto& p) { return p.second; });
  std::string text = set.empty() ? std::string()
                                 : "reliability.failure_rates sets " + set + (all ? "" : " (the rest are Llama 3's)");
  if (restart) {
    text += (text.empty() ? "" : "; ") + fmt::format("restart overhead {}", format_time(spec.restart_overhead_s));
  }
  out << fmt::format("  {:<16}{}\n", "Failure model", text);
}

void print_storage_and_reliability(const sim::TrainingResult& r, const planner::Scenario& scenario,
                                   std::ostream& out) {
  const auto& st = r.storage;
  const auto& rel = r.reliability;
  for (const auto& t : st.tiers) {
    if (t.tier != st.checkpoint_tier) continue;
    const double stall = st.checkpoint_mode == "sync" ? t.cost.sync_stall_s : t.cost.async_stall_s;
    out << fmt::format("  {:<16}{} ({} per GPU) to \"{}\", {}: stall {}, write {}, restore {}\n", "Checkpoint",
                       format_bytes(st.checkpoint.total_B), format_bytes(st.checkpoint.per_gpu_B), t.tier,
                       st.checkpoint_mode, format_time(stall), format_time(t.cost.write_s),
                       format_time(t.cost.restore_s));
    if (const auto& c = st.des_checkpoint; !c.mode.empty()) {
      out << fmt::format("  {:<16}{} to \"{}\" during a step: write {} (closed form {}), stall {}; step {} with it, "
                         "{:.3f}x from contention\n",
                         "DES checkpoint", c.mode, c.tier, format_time(c.write_s), format_time(t.cost.write_s),
                         format_time(c.stall_s), format_time(c.step_time_s), c.contention_slowdown);
    }
  }
  out << fmt::format("  {:<16}{:.2f} interruptions/day (MTBF {}); {}; goodput {}\n", "Reliability",
                     rel.interruptions_per_day, format_time(rel.mtbf_s),
                     rel.checkpoint_interval_s > 0 ? "checkpoint every " + format_time(rel.checkpoint_interval_s)
                                                   : std::string("no checkpoints: no interruptions expected"),
                     format_percent(rel.goodput));
  print_failure_overrides(scenario.reliability, out);
  if (rel.checkpoint_interval_s > 0) print_interval(r, scenario, out);
  if (rel.effective_time_to_train_s > 0) {
    out << fmt::format("  {:<16}{} with failures", "Effective time", format_time(rel.effective_time_to_train_s));
    if (rel.monte_carlo_runs > 0) {
      out << fmt::format(" (Monte Carlo p10 {}, p50 {}, p90 {})", format_time(rel.finish_p10_s),
                         format_time(rel.finish_p50_s), format_time(rel.finish_p90_s));
    }
    out << '\n';
  }
  if (!print_blended_data_loading(st, out)) {
    out << fmt::format("  {:<16}{} from \"{}\" ({} available): {}\n", "Data loading",
                       units::format_bandwidth(st.data.demand_Bps), st.data_tier,
                       units::format_bandwidth(st.data.tier_bw_Bps),
                       st.data.starvation > 0 ? fmt::format("GPUs starve {} of the time; {} removes it",
                                                            format_percent(st.data.starvation),
                                                            units::format_bandwidth(st.data.required_bw_Bps))
                                              : std::string("no GPU starvation"));
  }
  print_placement(st, out);
}

void print_training(const workloads::TrainingJob& job, const sim::TrainingResult& r,
                    const planner::Scenario& scenario, std::ostream& out) {
  const hw::ClusterSpec& c = scenario.cluster;
  const auto& p = job.parallelism;
  out << fmt::format("\nTraining \"{}\": {} ({} parameters), {}\n", r.name, job.model.name,
                     units::format_count(job.model.parameters()), hw::to_string(job.precision));
  out << fmt::format("  {} on {} GPUs; micro-batch {}, global batch {} ({} micro-batches); sequence {}; "
                     "recompute {}; ZeRO {}{}\n",
                     layout(p), r.gpus, p.micro_batch, p.global_batch, r.micro_batches, job.model.seq_len,
                     recompute_name(p.recompute), p.zero, p.sequence_parallel ? "; sequence parallel" : "");
  out << '\n';
  out << fmt::format("  {:<16}{}\n", "Step time", format_time(r.step_time_s));
  out << fmt::format("  {:<16}{} tokens/s ({} per GPU)\n", "Throughput", units::format_count(r.tokens_per_s),
                     units::format_count(r.tokens_per_s / r.gpus));
  out << fmt::format("  {:<16}{} ({:.0f} TFLOP/s per GPU of {:.0f} peak {})\n", "MFU", format_percent(r.mfu),
                     r.model_tflops_per_gpu, c.gpu.peak(job.precision) / 1e12, hw::to_string(job.precision));
  out << fmt::format("  {:<16}{} of {} {}\n", "Memory per GPU", format_bytes(r.memory.total_B()),
                     format_bytes(r.memory_capacity_B),
                     r.fits_in_memory ? "(fits)"
                                      : fmt::format("(DOES NOT FIT: {} over)",
                                                    format_bytes(r.memory.total_B() - r.memory_capacity_B)));
  out << fmt::format("  {:<16}weights {}, gradients {}, optimizer {}, activations {}, buffers {}\n", "",
                     format_bytes(r.memory.weights_B), format_bytes(r.memory.gradients_B),
                     format_bytes(r.memory.optimizer_B), format_bytes(r.memory.activations_B),
                     format_bytes(r.memory.buffers_B));
  if (!r.fits_in_memory) {
    if (r.memory_advice.empty()) {
      out << "  To fit: no single change is enough; use more GPUs per replica (tp, pp) or a GPU with more memory\n";
    } else {
      out << "  To fit, change one of:\n";
      for (const auto& a : r.memory_advice) out << "    " << a << '\n';
    }
  }
  if (r.time_to_train_s > 0) {
    out << fmt::format("  {:<16}{} tokens in {} on {} GPUs ({} GPU-hours)\n", "Time to train",
                       units::format_count(job.tokens), format_time(r.time_to_train_s), r.gpus,
                       units::format_count(r.time_to_train_s * r.gpus / 3600.0));
  }
  if (r.power.it_power_W > 0) {
    const auto& pw = r.power;
    out << fmt::format("  {:<16}{} IT ({} per GPU, {} per node), {} facility at PUE {:.2f}\n", "Power",
                       units::format_power(pw.it_power_W), units::format_power(pw.gpu_power_W),
                       units::format_power(pw.node_power_W), units::format_power(pw.facility_power_W), pw.pue);
    std::string energy = units::format_energy(pw.energy_per_step_J) + " per step";
    if (pw.energy_to_train_J > 0) {
      const double kg = pw.carbon_to_train_kg;
      // The rates behind carbon and money are printed: they are defaults unless cluster.facility sets them.
      constexpr double kJPerKWh = 3.6e6;
      energy += fmt::format("; {} to train, {} CO2e at {:.0f} g/kWh, {} of electricity at ${:.3f}/kWh",
                            units::format_energy(pw.energy_to_train_J), units::format_mass(kg),
                            c.facility.effective_grid_kg_per_J() * kJPerKWh * 1000,
                            units::format_money(pw.electricity_cost_usd),
                            c.facility.effective_price_usd_per_J() * kJPerKWh);
    }
    out << fmt::format("  {:<16}{}\n", "Energy", energy);
    if (const auto& t = r.power_trace; !t.empty()) {
      out << fmt::format("  {:<16}mean {}, peak {} IT over {} simulated ({} samples of {}); analytical {}\n",
                         "DES power", units::format_power(t.mean_W), units::format_power(t.peak_W),
                         format_time(t.span_s), t.samples.size(), format_time(t.period_s),
                         units::format_power(pw.it_power_W));
    }
    if (pw.nodes_per_rack > 0) {
      out << fmt::format("  {:<16}{} for the cluster's {} nodes ({} per {} rack, {} peak each)\n", "Racks", pw.racks, c.nodes,
                         pw.nodes_per_rack, units::format_power(c.facility.effective_rack_limit_W()),
                         units::format_power(pw.node_peak_W));
    }
  }
  print_storage_and_reliability(r, scenario, out);
  out << "\n  Step breakdown\n";
  for (const auto& [part, seconds] : r.breakdown_s) {
    // Below a nanosecond a part is the rounding of a difference (the bubble of a one-stage pipeline), not time.
    if (seconds < 1e-9) continue;
    const double share = seconds / r.step_time_s;
    out << fmt::format("    {:<14}{:>10} {:>6}  {}\n", part, format_time(seconds), format_percent(share),
                       bar(share, 30));
  }
  if (!r.busiest_links.empty()) {
    out << "\n  Busiest fabric links (share of the step they were busy)\n";
    for (size_t i = 0; i < std::min<size_t>(5, r.busiest_links.size()); ++i) {
      const auto& l = r.busiest_links[i];
      out << fmt::format("    {:<44}{:>8} {:>10}\n", l.name, format_percent(l.utilization), format_bytes(l.bytes));
    }
  }
  for (const auto& note : r.notes) {
    if (!echoes_faults(note)) out << "  Note: " << note << '\n';
  }
}

/// The faults the scenario injects (`simulation.des`), and whether this run applied them.
void print_faults(const planner::Scenario& scenario, const planner::ScenarioResult& result, std::ostream& out) {
  const auto& des = scenario.simulation.des;
  std::vector<std::string> faults;
  int stragglers = 0;
  for (std::size_t gpu = 0; gpu < des.slowdown.size(); ++gpu) {
    if (des.slowdown[gpu] == 1) continue;
    // A long list stays one line: the first few, then a count.
    if (++stragglers <= 8) faults.push_back(fmt::format("GPU {} computes x{:.3g} slower", gpu, des.slowdown[gpu]));
  }
  if (stragglers > 8) faults.push_back(fmt::format("{} more stragglers", stragglers - 8));
  for (const auto& f : des.failed) {
    faults.push_back(fmt::format("{} cable{} down on tier {} of the route from node {} to node {}", f.cables,
                                 f.cables == 1 ? "" : "s", f.tier, f.from_node, f.to_node));
  }
  if (faults.empty()) return;
  std::string list;
  for (const auto& f : faults) list += (list.empty() ? "" : "; ") + f;
  const bool applied = result.engine == "des" && !result.training.empty();
  out << fmt::format("Faults: {} (simulation.des{})\n", list,
                     applied ? "; the step below includes them"
                             : "; NOT applied: only the des engine injects them into training, run with --engine des");
}

}  // namespace

void print_summary(const planner::Scenario& scenario, const planner::ScenarioResult& result, std::ostream& out) {
  const auto& c = scenario.cluster;
  out << fmt::format("CapSim: scenario \"{}\", {} engine\n", result.scenario_name, result.engine);
  out << fmt::format("Cluster: {} node{} x {} {} = {} GPUs; scale-up {} per GPU (per direction); scale-out {} x {} per node, {} "
                     "{}:1\n",
                     c.nodes, c.nodes == 1 ? "" : "s", c.gpus_per_node, c.gpu.name, c.total_gpus(), units::format_bandwidth(c.scale_up.bw_Bps),
                     c.scale_out.nics_per_node, fmt::format("{:.0f} Gb/s", c.scale_out.nic_bw_Bps * 8 / 1e9), c.scale_out.topology,
                     c.scale_out.oversubscription);
  print_fabric(result.fabric, out);
  print_faults(scenario, result, out);
  size_t next = 0;
  size_t next_inference = 0;
  for (const auto& w : scenario.workloads) {
    if (const auto* job = std::get_if<workloads::TrainingJob>(&w)) {
      if (next < result.training.size()) print_training(*job, result.training[next++], scenario, out);
    } else if (next_inference < result.inference.size()) {
      print_inference(std::get<workloads::InferenceJob>(w), result.inference[next_inference++], out);
    }
  }
  for (const auto& warning : result.warnings) out << "\nWarning: " << warning << '\n';
}

}  // namespace capsim::cli
