#include "cli/inference_summary.hpp"

#include <fmt/format.h>

#include <string>

#include "sim/core/units.hpp"

namespace capsim::cli {

namespace {

using units::format_bytes;
using units::format_count;
using units::format_percent;
using units::format_time;

std::string percentiles(const sim::serving::LatencyStats& s) {
  return fmt::format("p50 {}, p90 {}, p99 {} (mean {})", format_time(s.p50), format_time(s.p90), format_time(s.p99),
                     format_time(s.mean));
}

std::string lengths(const workloads::LengthDistribution& d) {
  switch (d.kind) {
    case workloads::LengthKind::fixed:
      return fmt::format("{:.0f}", d.mean);
    case workloads::LengthKind::uniform:
      return fmt::format("{}-{} (uniform)", d.min, d.max);
    case workloads::LengthKind::lognormal:
      return fmt::format("{:.0f} (lognormal mean, sigma {:.2g})", d.mean, d.sigma);
    case workloads::LengthKind::trace:
      return fmt::format("{:.0f} (trace mean)", d.mean);
  }
  return "?";
}

std::string slo_text(const workloads::Slo& slo) {
  std::string s;
  if (slo.ttft_s > 0) s += fmt::format("TTFT p{} <= {}", slo.ttft_percentile, format_time(slo.ttft_s));
  if (slo.tpot_s > 0) {
    s += fmt::format("{}TPOT p{} <= {}", s.empty() ? "" : ", ", slo.tpot_percentile, format_time(slo.tpot_s));
  }
  return s;
}


/// The Power and Energy lines of a simulated run.
void print_power(const sim::serving::ServingPower& pw, double duration_s, std::ostream& out) {
  const double idle = duration_s > 0 ? pw.activity.idle_s / duration_s : 0;
  out << fmt::format("  {:<16}{} IT ({} per GPU, {} while stepping, idle {} of the time), {} facility at PUE {:.2f}\n",
                     "Power", units::format_power(pw.it_power_W), units::format_power(pw.gpu_power_W),
                     units::format_power(pw.busy_gpu_power_W), format_percent(idle),
                     units::format_power(pw.facility_power_W), pw.pue);
  out << fmt::format("  {:<16}{} per million output tokens ({} CO2e, {}); {} over the run, {} per step\n", "Energy",
                     units::format_energy(pw.energy_per_million_tokens_J), units::format_mass(pw.carbon_per_million_tokens_kg),
                     units::format_money(pw.electricity_cost_per_million_tokens_usd), units::format_energy(pw.energy_J),
                     units::format_energy(pw.energy_per_step_J));
}

}  // namespace

std::string describe_load(const workloads::Load& l) {
  std::string s;
  switch (l.mode) {
    case workloads::LoadMode::concurrency:
      s = fmt::format("concurrency, {} users", l.users);
      break;
    case workloads::LoadMode::poisson:
    case workloads::LoadMode::gamma:
      s = l.mode == workloads::LoadMode::poisson ? "poisson" : fmt::format("gamma (CV {:.2g})", l.burstiness);
      s += l.rate_curve.empty() ? fmt::format(", {}/s", format_count(l.rate_per_s))
                                : fmt::format(", a curve of {} rates every {}", l.rate_curve.rates_per_s.size(),
                                              format_time(l.rate_curve.interval_s));
      break;
    case workloads::LoadMode::offline:
      s = "offline";
      break;
    case workloads::LoadMode::trace:
      s = fmt::format("trace {} ({} requests)", l.trace_file, l.trace.size());
      break;
  }
  if (l.requests > 0) s += fmt::format(", {} requests", l.requests);
  if (l.duration_s > 0) s += fmt::format(", {}", format_time(l.duration_s));
  return s;
}

void print_inference(const workloads::InferenceJob& job, const sim::serving::InferenceResult& r, std::ostream& out) {
  const auto& st = job.serving;
  out << fmt::format("\nInference \"{}\": {} ({} parameters), {} math, {} weights, {} KV cache\n", r.name,
                     job.model.name, format_count(job.model.parameters()), hw::to_string(job.precision),
                     hw::to_string(job.weight_precision), hw::to_string(job.kv_precision));
  out << fmt::format("  {} x TP{} PP{} = {} GPU{}{}; router {}\n",
                     r.replicas == 1 ? "1 replica" : fmt::format("{} replicas", r.replicas), r.tp, r.pp, r.gpus,
                     r.gpus == 1 ? "" : "s",
                     r.prefill_replicas > 0
                         ? fmt::format(" ({} prefill, {} decode)", r.prefill_replicas, r.replicas - r.prefill_replicas)
                         : "",
                     job.router == workloads::RouterPolicy::round_robin ? "round-robin" : "least-outstanding");
  out << fmt::format("  Load: {}; input {} tokens, output {} tokens\n", describe_load(job.load),
                     lengths(job.input_lengths), lengths(job.output_lengths));
  out << fmt::format(
      "  Engine: up to {} sequences and {} tokens per step, {}, KV blocks of {} tokens, {} "
      "admission, {} of HBM\n",
      st.max_num_seqs, st.max_batched_tokens, st.chunked_prefill ? "chunked prefill" : "whole prefills",
      st.block_tokens, st.admission == workloads::KvAdmission::reserve ? "reserve" : "on-demand",
      format_percent(st.gpu_memory_utilization));
  const auto& m = r.memory;
  out << '\n';
  out << fmt::format(
      "  {:<16}weights {}, activations {}, runtime {}, KV cache {} of {} {}\n", "Memory per GPU",
      format_bytes(m.weights_B), format_bytes(m.activations_B), format_bytes(m.runtime_B), format_bytes(m.kv_cache_B),
      format_bytes(m.budget_B),
      r.fits_in_memory ? "(fits)" : fmt::format("(DOES NOT FIT: {} over)", format_bytes(m.shortfall_B())));
  if (!r.fits_in_memory) {
    out << "  To fit: more GPUs per replica (tp, pp), narrower weights (weight_precision), or a GPU with more memory\n";
    return;
  }
  out << fmt::format("  {:<16}{}\n", "TTFT", percentiles(r.ttft_s));
  out << fmt::format("  {:<16}{}\n", "TPOT", percentiles(r.tpot_s));
  out << fmt::format("  {:<16}{}\n", "End to end", percentiles(r.e2e_s));
  out << fmt::format("  {:<16}{} output tokens/s ({} per GPU), {} requests/s\n", "Throughput",
                     format_count(r.output_tokens_per_s), format_count(r.output_tokens_per_s / r.gpus),
                     format_count(r.requests_per_s));
  out << fmt::format("  {:<16}{} requests in {}: {} completed, {} unfinished, {} too long for the KV cache\n",
                     "Requests", r.requests, format_time(r.duration_s), r.completed, r.unfinished, r.rejected);
  if (!r.slo.empty()) {
    out << fmt::format("  {:<16}{}: {}; goodput {} requests/s ({} of requests within it)\n", "SLO", slo_text(r.slo),
                       r.slo_met ? "met" : "NOT met", format_count(r.goodput_requests_per_s),
                       format_percent(r.slo_attainment));
    if (!r.slo_met) {
      out << fmt::format("  {:<16}more replicas or another GPU or TP; capsim plan-serving finds the cheapest fleet "
                         "that meets it\n", "To meet it");
    }
  }
  out << fmt::format("  {:<16}{} tokens per replica; {} used on average, {} at peak; {} preemptions\n", "KV cache",
                     format_count(static_cast<double>(m.kv_tokens)), format_percent(r.kv_utilization_mean),
                     format_percent(r.kv_utilization_peak), r.preemptions);
  out << fmt::format("  {:<16}{:.1f} waiting and {:.1f} running on average, all replicas together; longest queue {} "
                     "(one replica)\n", "Queues", r.queue_mean, r.running_mean, r.queue_max);
  out << fmt::format("  {:<16}{} of {:.0f} tokens on average in this run\n", "Steps", r.steps, r.mean_step_tokens);
  out << fmt::format("  {:<16}one request alone: TTFT {} and TPOT {}\n", "Unloaded", format_time(r.unloaded_ttft_s),
                     format_time(r.unloaded_tpot_s));
  if (r.power.it_power_W > 0) print_power(r.power, r.duration_s, out);
  out << fmt::format(
      "  {:<16}{} intervals of {} in the JSON result (arrivals, running, queued, throughput, "
      "p90 TTFT)\n",
      "Time series", r.series.size(), format_time(r.interval_s));
  for (const auto& note : r.notes) out << "  Note: " << note << '\n';
}

}  // namespace capsim::cli
