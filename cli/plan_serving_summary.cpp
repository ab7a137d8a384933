#include "cli/plan_serving_summary.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/units.hpp"

namespace capsim::cli {

namespace {

using planner::ServingCandidate;
using planner::ServingPlan;
using units::format_count;
using units::format_integer;
using units::format_money;
using units::format_time;

/// "1 replica", "3 replicas".
std::string plural(long long n, const std::string& word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

/// Hours and minutes since the start of the curve: "09:00", "26:30".
std::string clock(double t_s) {
  const auto minutes = static_cast<long long>(std::llround(t_s / 60));
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

std::string slo_words(const workloads::Slo& slo) {
  std::string s;
  if (slo.ttft_s > 0) s = fmt::format("TTFT p{} <= {}", slo.ttft_percentile, format_time(slo.ttft_s));
  if (slo.tpot_s > 0) {
    s += fmt::format("{}TPOT p{} <= {}", s.empty() ? "" : ", ", slo.tpot_percentile, format_time(slo.tpot_s));
  }
  return s;
}

/// `text` broken at spaces into lines of at most 118 characters; the first line is indented by `first` spaces, the
/// others by `indent`; ends with a newline.
std::string wrap(const std::string& text, int indent, int first = 0) {
  constexpr std::size_t kWidth = 118;
  std::string out;
  std::string line(static_cast<std::size_t>(first), ' ');
  bool line_has_words = false;
  std::stringstream words(text);
  for (std::string word; words >> word;) {
    if (line_has_words && line.size() + 1 + word.size() > kWidth) {
      out += line + '\n';
      line.assign(static_cast<std::size_t>(indent), ' ');
      line_has_words = false;
    }
    line += (line_has_words ? " " : "") + word;
    line_has_words = true;
  }
  return out + line + '\n';
}

bool curve(const ServingPlan& plan) { return !plan.daily.empty(); }

/// What the table's cost column shows: USD per hour (per cycle over a curve), "-" without a price.
std::string cost_cell(const ServingPlan& plan, const ServingCandidate& c) {
  if (!c.price) return "-";
  return format_money(curve(plan) ? c.cost_per_cycle_usd : c.cost_per_hour_usd);
}

std::string check_cell(const ServingCandidate& c) {
  if (c.long_check.ran) return c.long_check.passed ? "meets the SLO; long check passes" : "fails the long check";
  if (c.fleet.completed > 0) return c.fleet_checked ? "meets the SLO" : "misses the SLO";
  return "not simulated (--top)";
}

void print_assumptions(const ServingPlan& plan, std::ostream& out) {
  out << fmt::format("CapSim plan-serving: workload \"{}\" ({}) at {}/s\n", plan.workload, plan.model,
                     format_count(plan.rate_per_s));
  out << fmt::format("SLO: {}{}; headroom {}: fleets are sized for {}/s\n", slo_words(plan.slo),
                     plan.default_slo ? " (none in the scenario: Vidur's)" : "", units::format_percent(plan.headroom),
                     format_count(plan.rate_per_s * (1 + plan.headroom)));
  out << wrap(fmt::format("Capacity per replica: the highest request rate one replica serves while meeting the SLO, "
                          "found by bisection over {} trials of {} of arrivals ({} simulations in all)",
                          plan.arrivals, format_time(plan.window_s), plan.trials),
              2);
  std::set<int> node_sizes;
  for (const auto& c : plan.ranked) node_sizes.insert(c.gpus_per_node);
  out << fmt::format(
      "Fleets: whole nodes ({}); the nodes run as many replicas as they hold\n",
      node_sizes.size() == 1 ? plural(*node_sizes.begin(), "GPU") + " each" : std::string("each GPU type's node size"));
  out << wrap("Cost: GPUs x the price of a GPU-hour, from " + plan.price_source, 2);
}

void print_best(const ServingPlan& plan, const ServingCandidate& b, std::ostream& out) {
  const std::string price =
      b.price ? fmt::format("{} an hour at {} per GPU-hour ({}, {})", format_money(b.cost_per_hour_usd),
                            format_money(b.price->usd_per_gpu_hour), b.price->instance, b.price->pricing)
              : std::string("no price in the price book");
  out << '\n'
      << wrap(fmt::format("Best: {}, {} x TP{} on {} ({} GPUs), {}", b.gpu, plural(b.replicas, "replica"), b.tp,
                          plural(b.nodes, "node"), b.gpus, price),
              6);
  const auto& tries = b.long_check.tries;
  const int added = tries.empty() ? 0 : b.long_check.fleet.nodes - tries.front().fleet.nodes;
  out << fmt::format("      {} needed for {}/s at {}/s each; {} {} {}{}\n", plural(b.replicas_needed, "replica"),
                     format_count(plan.rate_per_s * (1 + plan.headroom)), format_count(b.capacity_per_replica),
                     plural(b.nodes, "node"), b.nodes == 1 ? "runs" : "run", b.replicas,
                     added > 0 ? fmt::format(" (the long check added {})", plural(added, "node")) : "");
  if (b.fleet.completed > 0) {
    out << fmt::format("      the fleet at {}/s over {}: TTFT p90 {}, TPOT p99 {}, goodput {}/s, KV cache {} used\n",
                       format_count(plan.rate_per_s), format_time(plan.window_s), format_time(b.fleet.ttft_s.p90),
                       format_time(b.fleet.tpot_s.p99), format_count(b.fleet.goodput_requests_per_s),
                       units::format_percent(b.fleet.kv_utilization_mean));
  }
}

void print_long_check(const ServingPlan& plan, const ServingCandidate& b, std::ostream& out) {
  const auto& k = plan.check;
  if (!b.long_check.ran) {
    out << "\nLong check: not run (--check-window 0)\n";
    return;
  }
  out << '\n'
      << wrap(fmt::format("Long check of {} x TP{}: the whole fleet at {}/s over at least {} of arrivals, the window "
                          "doubled up to {} while the requests in service (which hold the KV cache) and waiting keep "
                          "growing (settled: their mean over the window's last quarter within {} of the third "
                          "quarter's, plus one); it passes when settled, within the SLO with nothing unfinished, and "
                          "with at most 1 preemption per {} requests",
                          b.gpu, b.tp, format_count(plan.rate_per_s), format_time(k.min_window_s),
                          format_time(k.max_window_s), units::format_percent(k.growth_tolerance),
                          format_integer(1 / k.max_preemption_share)),
              2);
  out << fmt::format("  {:>8}  {:>5}  {:>9}  {:>9}  {:>11}  {:>7}  {:>9}  {:>9}  {:>9}  {:>13}  {}\n", "replicas",
                     "nodes", "window", "requests", "preemptions", "KV peak", "TTFT p90", "TTFT p99", "TPOT p99",
                     "longest queue", "verdict");
  for (const auto& t : b.long_check.tries) {
    out << fmt::format(
        "  {:>8}  {:>5}  {:>9}  {:>9}  {:>11}  {:>7}  {:>9}  {:>9}  {:>9}  {:>13}  {}\n", t.fleet.replicas,
        t.fleet.nodes, format_time(t.window_s), format_integer(static_cast<double>(t.requests)),
        format_integer(static_cast<double>(t.preemptions)), units::format_percent(t.kv_peak), format_time(t.ttft_p90_s),
        format_time(t.ttft_p99_s), format_time(t.tpot_p99_s), t.queue_max, t.verdict);
  }
}

void print_table(const ServingPlan& plan, std::ostream& out) {
  out << fmt::format("\n  {:>2}  {:<15}{:>3}  {:>16}  {:>6}  {:>5}  {:>4}  {:>8}  {:>9}  {:<23}{:>8}  {:>8}  {}\n", "#",
                     "GPU", "TP", "capacity/replica", "needed", "nodes", "GPUs", "replicas",
                     curve(plan) ? "$/cycle" : "$/hour", "instance", "TTFT p90", "TPOT p99", "fleet check");
  std::size_t simulated = 0;
  for (std::size_t i = 0; i < plan.ranked.size(); ++i) {
    const auto& c = plan.ranked[i];
    const bool ran = c.fleet.completed > 0;
    simulated += ran ? 1 : 0;
    out << fmt::format("  {:>2}  {:<15}{:>3}  {:>14}/s  {:>6}  {:>5}  {:>4}  {:>8}  {:>9}  {:<23}{:>8}  {:>8}  {}\n",
                       i + 1, c.gpu, c.tp, format_count(c.capacity_per_replica), c.replicas_needed, c.nodes, c.gpus,
                       c.replicas, cost_cell(plan, c), c.price ? c.price->instance : "no price",
                       ran ? format_time(c.fleet.ttft_s.p90) : "-", ran ? format_time(c.fleet.tpot_s.p99) : "-",
                       check_cell(c));
  }
  out << fmt::format(
      "  needed: replicas for {}/s; fleet check: the whole fleet simulated at {}/s over {} behind the "
      "scenario's router\n",
      format_count(plan.rate_per_s * (1 + plan.headroom)), format_count(plan.rate_per_s), format_time(plan.window_s));
  if (simulated < plan.ranked.size()) {
    out << fmt::format("  rows below #{} are not simulated as fleets: only the cheapest are (--top)\n", simulated);
  }
}

/// One line per GPU type: its price per GPU-hour, the instance, the date and the source; or that it has none.
void print_prices(const ServingPlan& plan, std::ostream& out) {
  std::map<std::string, const ServingCandidate*> by_gpu;
  for (const auto* list : {&plan.ranked, &plan.infeasible}) {
    for (const auto& c : *list) by_gpu.emplace(c.gpu, &c);
  }
  out << "\nPrices per GPU-hour:\n";
  for (const auto& [gpu, c] : by_gpu) {
    if (!c->price) {
      out << fmt::format("  {:<16}{:>6}  no price in the price book: ranked after the priced GPUs, by GPU count\n", gpu,
                         "-");
      continue;
    }
    const auto& p = *c->price;
    out << fmt::format("  {:<16}{:>6}  {}, {} {} an hour for {} GPUs, {}\n", gpu, format_money(p.usd_per_gpu_hour),
                       p.instance_name, p.pricing, format_money(p.usd_per_gpu_hour * p.instance_gpus), p.instance_gpus,
                       p.date);
    if (!p.source.empty()) out << wrap(p.source, 26, 26);
  }
}

void print_left_out(const ServingPlan& plan, std::ostream& out) {
  // (GPU, why) -> "TP1", "TP2", in the order met
  using Reasons = std::vector<std::pair<std::pair<std::string, std::string>, std::vector<std::string>>>;
  Reasons infeasible, skipped;
  for (const auto& c : plan.infeasible) {
    Reasons& list = c.skipped ? skipped : infeasible;
    const std::pair<std::string, std::string> key{c.gpu, c.why_not};
    auto it = std::find_if(list.begin(), list.end(), [&](const auto& e) { return e.first == key; });
    if (it == list.end()) it = list.insert(list.end(), {key, {}});
    it->second.push_back(fmt::format("TP{}", c.tp));
  }
  if (!infeasible.empty()) {
    out << "\nNot feasible:\n";
    for (const auto& [key, tps] : infeasible) {
      out << wrap(fmt::format("{} {}: {}", key.first, fmt::join(tps, ", "), key.second), 4, 2);
    }
  }
  if (!skipped.empty()) {
    out << "\nNot tried:\n";
    for (const auto& [key, tps] : skipped) {
      out << wrap(fmt::format("{} {}: skipped: {}", key.first, fmt::join(tps, ", "), key.second), 4, 2);
    }
  }
}

void print_curve(const ServingPlan& plan, std::ostream& out) {
  if (plan.daily.empty()) return;
  const auto& b = plan.ranked.front();
  out << fmt::format("\nAutoscaled over the rate curve ({} intervals), {} x TP{}, {}:\n", plan.daily.size(), b.gpu,
                     b.tp, fmt::format("headroom {}, whole nodes", units::format_percent(plan.headroom)));
  out << fmt::format("  {:>10}  {:>10}  {:>8}  {:>5}  {:>5}\n", "from", "rate", "replicas", "nodes", "GPUs");
  for (const auto& p : plan.daily) {
    out << fmt::format("  {:>10}  {:>8}/s  {:>8}  {:>5}  {:>5}\n", clock(p.start_s), format_count(p.rate_per_s),
                       p.replicas, p.nodes, p.gpus);
  }
  out << fmt::format("  GPU-hours per cycle: {} autoscaled, {} with the peak fleet throughout",
                     format_count(plan.cycle_gpu_hours), format_count(plan.peak_fleet_gpu_hours));
  if (b.price) {
    out << fmt::format("; {} and {} at {} per GPU-hour", format_money(plan.cycle_gpu_hours * b.price->usd_per_gpu_hour),
                       format_money(plan.peak_fleet_gpu_hours * b.price->usd_per_gpu_hour),
                       format_money(b.price->usd_per_gpu_hour));
  }
  out << '\n';
}

}  // namespace

void print_serving_plan(const ServingPlan& plan, std::ostream& out) {
  print_assumptions(plan, out);
  if (plan.ranked.empty()) {
    out << "\nNo layout meets the SLO.\n";
  } else {
    const auto& b = plan.ranked.front();
    const bool trusted = b.fleet_checked && (!b.long_check.ran || b.long_check.passed);
    if (!trusted) out << "\nNo fleet passed every check; the cheapest one tried:";
    print_best(plan, b, out);
    print_long_check(plan, b, out);
    print_table(plan, out);
  }
  print_prices(plan, out);
  print_left_out(plan, out);
  print_curve(plan, out);
}

}  // namespace capsim::cli
