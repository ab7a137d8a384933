#include "cli/placement_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "sim/core/units.hpp"

namespace capsim::cli {

namespace {

using units::format_bandwidth;
using units::format_bytes;
using units::format_money;
using units::format_percent;
using units::format_time;

void print_dataset(const workloads::DatasetUse& d, std::ostream& out) {
  std::string where = fmt::format("{} on \"{}\"", format_bytes(d.size_B), d.warm);
  if (!d.cold.empty()) where += fmt::format(" (archive on \"{}\")", d.cold);
  if (!d.hot.empty()) {
    where += fmt::format(", {} cached on \"{}\" (hit rate {}, staged in {})", format_bytes(d.hot_B), d.hot,
                         format_percent(d.hit_rate), format_time(d.staging_s));
  }
  out << fmt::format("  {:<16}{}\n", "Dataset", where);
}

void print_checkpoints(const workloads::CheckpointUse& c, std::ostream& out) {
  std::string line = fmt::format("{} kept on \"{}\"", c.keep_hot, c.hot);
  if (!c.cold.empty()) line += fmt::format(", {} on \"{}\"", c.keep_cold, c.cold);
  if (const auto& d = c.drain) {
    line += fmt::format("; each drains in {} at {}, one every {} ({})", format_time(d->drain_s),
                        format_bandwidth(d->bandwidth_Bps), format_time(d->interval_s),
                        d->keeps_up ? "keeps up" : "CANNOT KEEP UP");
  }
  out << fmt::format("  {:<16}{}\n", "Checkpoints", line);
}

void print_tiers(const workloads::PlacementResult& p, std::ostream& out) {
  std::size_t width = 0;
  for (const auto& t : p.tiers) width = std::max(width, t.tier.size() + 2);
  const char* label = "Storage tiers";
  for (const auto& t : p.tiers) {
    const std::string used = t.capacity_B > 0
                                 ? fmt::format("{} of {} ({})", format_bytes(t.placed_B()), format_bytes(t.capacity_B),
                                               format_percent(t.capacity_share()))
                                 : format_bytes(t.placed_B()) + " (unbounded)";
    out << fmt::format("  {:<16}{:<{}} {:<36} {}/month\n", label, "\"" + t.tier + "\"", width, used,
                       format_money(t.usd_per_month()));
    label = "";
  }
}

}  // namespace

bool print_blended_data_loading(const sim::StorageResult& st, std::ostream& out) {
  if (!st.placement || !st.placement->dataset || st.placement->dataset->hot.empty()) return false;
  const auto& d = *st.placement->dataset;
  const auto& data = st.data;
  out << fmt::format(
      "  {:<16}{}: {} from \"{}\" ({} available) and {} from \"{}\" ({} available), {} effective: "
      "{}\n",
      "Data loading", format_bandwidth(data.demand_Bps), format_bandwidth(data.hot_demand_Bps), d.hot,
      format_bandwidth(data.hot_bw_Bps), format_bandwidth(data.tier_demand_Bps), st.data_tier,
      format_bandwidth(data.tier_bw_Bps), format_bandwidth(data.effective_bw_Bps),
      data.starvation > 0 ? fmt::format("GPUs starve {} of the time; {} from \"{}\" or a {} hit rate removes it",
                                        format_percent(data.starvation), format_bandwidth(data.required_bw_Bps),
                                        st.data_tier, format_percent(data.required_hit_rate))
                          : std::string("no GPU starvation"));
  return true;
}

void print_placement(const sim::StorageResult& st, std::ostream& out) {
  if (!st.placement) return;
  const auto& p = *st.placement;
  if (p.dataset) print_dataset(*p.dataset, out);
  if (p.checkpoints) print_checkpoints(*p.checkpoints, out);
  print_tiers(p, out);
  std::string cost = fmt::format("{} a month", format_money(p.usd_per_month()));
  if (p.checkpoints && p.checkpoints->drain) {
    cost += fmt::format(" (checkpoint transfers {} of it)", format_money(p.checkpoints->drain->transfer_usd_per_month));
  }
  if (p.dataset && p.dataset->staging_egress_usd > 0) {
    cost += fmt::format("; {} once to stage the dataset out of \"{}\"", format_money(p.dataset->staging_egress_usd),
                        p.dataset->cold);
  }
  out << fmt::format("  {:<16}{}\n", "Storage cost", cost);
  for (const auto& note : p.notes) out << "  Note: " << note << '\n';
}

}  // namespace capsim::cli
