#include "planner/tco/cost_model.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "models/hardware/facility.hpp"
#include "models/hardware/gpu_catalog.hpp"
#include "models/hardware/power_model.hpp"
#include "models/network/fabric_factory.hpp"
#include "planner/serving_fleet.hpp"
#include "sim/core/units.hpp"

namespace capsim::planner::tco {

namespace {

/// One stretch of a month with constant demand.
struct Block {
  int month = 0;
  double hours = 0;
  double gpus = 0;           ///< demand in GPUs of the timeline's type, whole nodes
  double busy_W = 0;         ///< IT power of that demand, watts (before PUE)
  double tokens = 0;         ///< trained plus output tokens served in the block
  bool training = false;     ///< a training campaign or recurring job runs in the block
};

struct Timeline {
  std::string gpu;
  int gpus_per_node = 8;
  std::vector<Block> blocks;
  double gpu_hours = 0;
  double tokens = 0;
  std::vector<double> campaign_end;  ///< per demand item (training), month it finishes; -1 otherwise
};

double ceil_to(double x, double unit) { return unit <= 0 ? x : std::ceil(x / unit - 1e-9) * unit; }

/// Demand of the study on `gpu` under `f`; `spot_rate_per_instance_s` inflates training for spot reclaims.
Timeline build_timeline(const Study& st, const CapacityModel& cap, const std::string& gpu, const Factors& f,
                        double spot_rate_per_instance_s, int gpus_per_instance) {
  Timeline tl;
  tl.gpu = gpu;
  tl.gpus_per_node = cap.gpus_per_node.at(gpu);
  const int H = st.horizon_months;
  const std::size_t n = st.demand.size();
  tl.campaign_end.assign(n, -1);
  // Training campaigns' active spans in months, and their per-hour figures.
  std::vector<double> start(n, 0), end(n, 0), gpus(n, 0), watts(n, 0), token_rate(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const Demand& d = st.demand[i];
    if (d.kind == Demand::Kind::inference) continue;
    const TrainingCapacity& t = cap.training.at({i, gpu});
    const double spot = spot_rate_per_instance_s * t.gpus / gpus_per_instance;
    const double good = training_goodput(t, f.failures, spot);
    const double hours = t.failure_free_hours * f.demand / std::max(good, 1e-6);
    if (d.kind == Demand::Kind::training) {
      start[i] = d.start_month;
      end[i] = d.start_month + hours / kHoursPerMonth;
      tl.campaign_end[i] = end[i];
      gpus[i] = t.gpus;
      token_rate[i] = t.tokens * f.demand / hours;
    } else {  // recurring: its GPU-hours spread over each month it runs
      start[i] = d.start_month;
      end[i] = d.end_month.value_or(H);
      gpus[i] = d.runs_per_month * hours * t.gpus / kHoursPerMonth;
      token_rate[i] = d.runs_per_month * t.tokens * f.demand / kHoursPerMonth;
    }
    watts[i] = t.busy_W_per_gpu;
  }
  for (int m = 0; m < H; ++m) {
    std::vector<double> cuts = {double(m), double(m + 1)};
    for (std::size_t i = 0; i < n; ++i) {
      if (st.demand[i].kind == Demand::Kind::inference) continue;
      for (double x : {start[i], end[i]}) {
        if (x > m && x < m + 1) cuts.push_back(x);
      }
    }
    std::sort(cuts.begin(), cuts.end());
    for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
      const double a = cuts[c], b = cuts[c + 1];
      if (b - a < 1e-9) continue;
      const double mid = (a + b) / 2;
      double train_gpus = 0, train_W = 0, train_tokens_per_h = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (st.demand[i].kind == Demand::Kind::inference || mid < start[i] || mid >= end[i]) continue;
        train_gpus += gpus[i];
        train_W += gpus[i] * watts[i];
        train_tokens_per_h += token_rate[i];
      }
      for (int h = 0; h < 24; ++h) {
        Block blk;
        blk.month = m;
        blk.hours = (b - a) * kHoursPerMonth / 24;
        double serve_gpus = 0, serve_W = 0, served_tokens_per_h = 0;
        for (std::size_t i = 0; i < n; ++i) {
          const Demand& d = st.demand[i];
          if (d.kind != Demand::Kind::inference || mid < d.start_month || mid >= d.end_month.value_or(H)) continue;
          const ServiceCapacity& s = cap.services.at({i, gpu});
          const double growth = std::pow(1 + d.monthly_growth * f.growth, std::floor(mid - d.start_month));
          const double rate = d.rate_per_s * f.demand * growth * d.daily_curve[static_cast<std::size_t>(h)];
          // Spot: a reclaimed replica is down for its restart, so the fleet keeps that share of replicas spare.
          const double spot_spare = 1 + spot_rate_per_instance_s * s.restart_s;
          const double replicas = replicas_for(rate * spot_spare, s.capacity_per_s, d.headroom);
          serve_gpus += replicas * s.gpus_per_replica;
          serve_W += rate / s.capacity_per_s * s.replica_W;  // at the load it carries
          served_tokens_per_h += rate * 3600 * s.output_tokens_per_request;
        }
        const double raw = train_gpus + serve_gpus;
        blk.gpus = ceil_to(raw, std::max(tl.gpus_per_node, gpus_per_instance));
        blk.busy_W = train_W + serve_W;
        blk.tokens = (train_tokens_per_h + served_tokens_per_h) * blk.hours;
        blk.training = train_gpus > 0;
        tl.gpu_hours += blk.gpus * blk.hours;
        tl.tokens += blk.tokens;
        tl.blocks.push_back(std::move(blk));
      }
    }
  }
  return tl;
}

/// Hours-weighted percentile of block GPUs over blocks [first, last).
double percentile_gpus(const std::vector<Block>& blocks, double pct, int first_month, int last_month) {
  std::vector<std::pair<double, double>> v;
  double total = 0;
  for (const Block& b : blocks) {
    if (b.month < first_month || b.month >= last_month) continue;
    v.emplace_back(b.gpus, b.hours);
    total += b.hours;
  }
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double want = pct / 100 * total;
  double acc = 0;
  for (const auto& [g, h] : v) {
    acc += h;
    if (acc >= want - 1e-9) return g;
  }
  return v.back().first;
}

/// Cash flows by category, month by month.
class Ledger {
 public:
  explicit Ledger(int months) : months_(months) {}
  void add(std::string_view category, int month, double usd) {
    if (usd == 0 || month < 0 || month >= months_) return;
    auto it = std::find_if(rows_.begin(), rows_.end(), [&](const auto& r) { return r.first == category; });
    if (it == rows_.end()) {
      rows_.emplace_back(std::string(category), std::vector<double>(static_cast<std::size_t>(months_), 0.0));
      it = std::prev(rows_.end());
    }
    it->second[static_cast<std::size_t>(month)] += usd;
  }
  void fill(OptionResult& r) const {
    r.monthly_by_category_usd = rows_;
    r.monthly_cost_usd.assign(static_cast<std::size_t>(months_), 0.0);
    r.cost_by_category_usd.clear();
    for (const auto& [cat, v] : rows_) {
      double sum = 0;
      for (int m = 0; m < months_; ++m) {
        r.monthly_cost_usd[static_cast<std::size_t>(m)] += v[static_cast<std::size_t>(m)];
        sum += v[static_cast<std::size_t>(m)];
      }
      r.cost_by_category_usd.emplace_back(cat, sum);
    }
    r.cumulative_cost_usd.resize(r.monthly_cost_usd.size());
    std::partial_sum(r.monthly_cost_usd.begin(), r.monthly_cost_usd.end(), r.cumulative_cost_usd.begin());
    r.total_cost_usd = r.cumulative_cost_usd.empty() ? 0 : r.cumulative_cost_usd.back();
  }

 private:
  int months_;
  std::vector<std::pair<std::string, std::vector<double>>> rows_;
};

double price(const PriceBook& book, const std::string& key, std::vector<std::string>* used = nullptr) {
  const Price& p = book.at(key);
  if (used != nullptr) used->push_back(key);
  return p.value;
}

/// Internet egress of `gb` in one month under the provider's tiers.
double egress_usd(const PriceBook& book, const std::string& provider, double gb) {
  const Price* free = book.find("egress/" + provider + "/free");
  double left = std::max(0.0, gb - (free ? free->value : 0));
  static constexpr double kTierGB[] = {10e3, 40e3, 100e3, 1e300};  // AWS's 10 TB, next 40 TB, next 100 TB, beyond
  double usd = 0, last_price = 0;
  for (int t = 0; t < 4 && left > 0; ++t) {
    const Price* p = book.find("egress/" + provider + "/tier-" + std::to_string(t + 1));
    if (p != nullptr) last_price = p->value;
    const double here = std::min(left, kTierGB[t]);
    usd += here * last_price;
    left -= here;
  }
  return usd;
}

struct OwnedFleet {
  std::vector<Purchase> purchases;
  std::vector<double> online;  ///< GPUs running per month
};

/// Tranches of owned GPUs for `need` (GPUs per month), bought `lead` months ahead.
OwnedFleet plan_purchases(const std::vector<double>& need, int fixed_gpus, bool upfront, int lead, int per_server) {
  OwnedFleet f;
  const int H = static_cast<int>(need.size());
  f.online.assign(need.size(), 0);
  const double peak = need.empty() ? 0 : *std::max_element(need.begin(), need.end());
  double owned = 0;
  for (int m = 0; m < H; ++m) {
    double want = fixed_gpus > 0 ? fixed_gpus : upfront ? peak : need[static_cast<std::size_t>(m)];
    want = ceil_to(want, per_server);
    if (want > owned) {
      Purchase p;
      p.online_month = m;
      p.month = std::max(0, m - lead);
      p.gpus = static_cast<int>(want - owned);
      f.purchases.push_back(p);
      owned = want;
    }
    f.online[static_cast<std::size_t>(m)] = owned;
  }
  return f;
}

/// Capital cost of a fleet of `gpus` GPUs of `gpu` (servers, NICs, fabric, racks) by category, and its BOM.
struct Capex {
  double servers = 0, network = 0, racks = 0;
  std::vector<BomLine> bom;
};

Capex fleet_capex(const PriceBook& book, const CapacityModel& cap, const std::string& gpu, int gpus, bool detail,
                  std::vector<std::string>& used) {
  Capex c;
  const ServerType* server = book.server(gpu);
  const int per = server->gpus;
  const int nodes = (gpus + per - 1) / per;
  const double server_price = price(book, "on-prem/server/" + gpu, &used);
  c.servers = nodes * server_price;
  const hw::GpuSpec* spec = hw::GpuCatalog::builtin().find(gpu);
  hw::ClusterSpec cluster = hw::default_cluster(*spec, std::max(1, nodes));
  const double nics = static_cast<double>(nodes) * cluster.scale_out.nics_per_node;
  const double nic = price(book, "on-prem/nic-port", &used), port = price(book, "on-prem/switch-port", &used);
  const double optic = price(book, "on-prem/transceiver", &used), fibre = price(book, "on-prem/optical-cable", &used);
  const double dac = price(book, "on-prem/copper-cable", &used);
  net::FabricCounts counts;
  auto cached = cap.network_usd.find(gpu);
  if (!detail && cached != cap.network_usd.end() && !cached->second.empty()) {
    // Fast path: the same fleet's fabric, or the nearest detailed fleet's cost per node.
    const auto& sizes = cached->second;
    auto hit = sizes.lower_bound(nodes);
    if (hit == sizes.end() || (hit != sizes.begin() && hit->first - nodes > nodes - std::prev(hit)->first)) --hit;
    c.network = hit->first == nodes ? hit->second : hit->second / hit->first * nodes;
  } else {
    if (nodes > 1) counts = net::build_fabric(cluster)->counts();
    c.network = nics * nic + counts.switch_ports * port + counts.optics * optic + counts.optical_cables * fibre +
                counts.copper_cables * dac;
    if (detail) cap.network_usd[gpu][nodes] = c.network;
  }
  const double node_peak = cap.node_peak_W.at(gpu);
  // A rack-scale system (GB200 NVL72) is bought a whole rack at a time; other nodes fill racks as power allows.
  const int per_rack =
      std::max(1, hw::nodes_per_rack(cluster.facility, node_peak, hw::PowerCatalog::builtin().node_for(gpu).rack));
  const double racks = std::ceil(static_cast<double>(nodes) / per_rack);
  c.racks = racks * price(book, "on-prem/rack", &used);
  if (detail) {
    auto line = [&](std::string cat, std::string item, double q, const std::string& key) {
      const double unit = book.at(key).value;
      if (q > 0) c.bom.push_back({std::move(cat), std::move(item), q, unit, q * unit, key});
    };
    line("servers", server->name, nodes, "on-prem/server/" + gpu);
    line("network", "NIC port (" + units::format_count(cluster.scale_out.nic_bw_Bps * 8 / 1e9) + " Gb/s)", nics,
         "on-prem/nic-port");
    for (const auto& t : counts.tiers) {
      line("network", t.name + " switch (" + std::to_string(t.radix) + " ports)", static_cast<double>(t.switches), "on-prem/switch-port");
      c.bom.back().unit_price_usd *= t.radix;
      c.bom.back().total_usd *= t.radix;
    }
    line("network", "optical transceiver", static_cast<double>(counts.optics), "on-prem/transceiver");
    line("network", "optical cable", static_cast<double>(counts.optical_cables), "on-prem/optical-cable");
    line("network", "copper cable (DAC)", static_cast<double>(counts.copper_cables), "on-prem/copper-cable");
    line("racks", "rack (" + std::to_string(per_rack) + " nodes under " +
                      units::format_power(cluster.facility.effective_rack_limit_W()) + ")", racks, "on-prem/rack");
  }
  return c;
}

}  // namespace

DemandSeries demand_series(const Study& st, const CapacityModel& cap, const std::string& gpu) {
  const Timeline tl = build_timeline(st, cap, gpu, Factors{}, 0, 1);
  DemandSeries d;
  d.gpu = gpu;
  const auto H = static_cast<std::size_t>(st.horizon_months);
  d.gpu_hours.assign(H, 0);
  d.peak_gpus.assign(H, 0);
  d.tokens.assign(H, 0);
  for (const Block& b : tl.blocks) {
    const auto m = static_cast<std::size_t>(b.month);
    d.gpu_hours[m] += b.gpus * b.hours;
    d.peak_gpus[m] = std::max(d.peak_gpus[m], b.gpus);
    d.tokens[m] += b.tokens;
  }
  return d;
}

double npv(const std::vector<double>& monthly, double rate) {
  double v = 0;
  for (std::size_t m = 0; m < monthly.size(); ++m) v += monthly[m] / std::pow(1 + rate, static_cast<double>(m) / 12);
  return v;
}

std::optional<int> break_even(const std::vector<double>& cumulative, const std::vector<double>& reference) {
  std::optional<int> since;
  for (std::size_t m = 0; m < cumulative.size() && m < reference.size(); ++m) {
    if (cumulative[m] <= reference[m] + 1e-6) {
      if (!since) since = static_cast<int>(m);
    } else {
      since.reset();
    }
  }
  return since;
}

OptionResult cost_option(const Study& st, const CapacityModel& cap, const Option& opt, const Factors& f,
                         bool detail, std::vector<std::string>* price_keys) {
  const PriceBook& book = st.prices;
  const int H = st.horizon_months;
  OptionResult r;
  r.name = opt.name;
  r.kind = to_string(opt.kind);
  Ledger led(H);
  std::vector<std::string> used;
  const bool has_cloud = opt.kind != Option::Kind::on_prem;
  const bool has_owned = opt.kind != Option::Kind::cloud;
  const CloudChoice& cc = opt.cloud;
  const int gpi = has_cloud ? cc.gpus_per_instance : 1;

  // Cloud prices per GPU-hour: the book's instance price (or the override) for the uncovered hours and the term.
  double overflow_per_gpu_h = 0, commit_per_gpu_h = 0, spot_rate = 0;
  if (has_cloud) {
    if (cc.price_per_gpu_hour) {
      overflow_per_gpu_h = commit_per_gpu_h = *cc.price_per_gpu_hour;
    } else {
      const CloudInstance* inst = book.instance(cc.instance);
      overflow_per_gpu_h = price(book, "cloud/" + cc.instance + "/" + cc.pricing, &used) / inst->gpus;
      if (!cc.commit_term.empty()) {
        commit_per_gpu_h = price(book, "cloud/" + cc.instance + "/committed-" + cc.commit_term, &used) / inst->gpus;
      }
      if (cc.pricing == "spot") {
        spot_rate = price(book, "cloud/" + cc.instance + "/spot-interruptions", &used) / (kHoursPerMonth * 3600);
      }
    }
    overflow_per_gpu_h *= f.cloud;
    commit_per_gpu_h *= f.cloud;
  }
  const std::string gpu = has_owned ? opt.on_prem.gpu : cc.gpu;
  r.gpu = gpu;
  const Timeline tl = build_timeline(st, cap, gpu, f, opt.kind == Option::Kind::cloud ? spot_rate : 0, gpi);
  // A hybrid bursting to another GPU type converts work by the two types' GPU-hours for the whole demand.
  double cloud_ratio = 1;
  std::optional<Timeline> cloud_tl;
  if (opt.kind == Option::Kind::hybrid && cc.gpu != gpu) {
    cloud_tl = build_timeline(st, cap, cc.gpu, f, spot_rate, gpi);
    cloud_ratio = tl.gpu_hours > 0 ? cloud_tl->gpu_hours / tl.gpu_hours : 1;
    if (detail) r.notes.push_back("bursts run on " + cc.gpu + ": " + units::format_percent(cloud_ratio) +
                                  " of the GPU-hours the same work takes on " + gpu);
  }
  r.gpu_hours = tl.gpu_hours;
  const double tokens = tl.tokens;

  // Owned capacity: sized to the demand (on-prem) or to a percentile of it (hybrid base).
  std::vector<double> owned(static_cast<std::size_t>(H), 0);
  const int per_server = has_owned ? book.server(gpu)->gpus : 1;
  OwnedFleet fleet;
  if (has_owned) {
    std::vector<double> need(static_cast<std::size_t>(H), 0);
    for (const Block& b : tl.blocks) need[static_cast<std::size_t>(b.month)] = std::max(need[static_cast<std::size_t>(b.month)], b.gpus);
    if (auto it = cap.fleets.find(opt.on_prem.fleet); it != cap.fleets.end()) {
      // A shared cluster cannot hold its demand on every GPU: some are stranded between gangs while jobs wait,
      // some are in repair. Buy for the demand over what the fleet run could use.
      const FleetFacts& ff = it->second;
      for (double& n : need) n /= ff.usable_share;
      r.fleet = ff;
      if (detail) {
        r.notes.push_back("fleet \"" + ff.scenario + "\" (" + ff.policy + "): " + units::format_percent(ff.fragmentation) +
                          " of GPUs stranded while jobs wait and " + units::format_percent(ff.down_share) +
                          " in repair, so the owned fleet is sized to the demand / " +
                          units::format_percent(ff.usable_share) + "; teams wait " + units::format_time(ff.mean_queue_s) +
                          " on average (p99 " + units::format_time(ff.p99_queue_s) + ")");
      }
    }
    int fixed = opt.on_prem.gpus.value_or(0);
    if (opt.kind == Option::Kind::hybrid && opt.on_prem.base_percentile) {
      fixed = static_cast<int>(ceil_to(percentile_gpus(tl.blocks, *opt.on_prem.base_percentile, 0, H), per_server));
    }
    const int lead = static_cast<int>(std::lround(price(book, "on-prem/lead-time", &used)));
    if (opt.kind == Option::Kind::hybrid && fixed == 0) {
      fleet.online.assign(static_cast<std::size_t>(H), 0);
    } else {
      fleet = plan_purchases(need, fixed, opt.on_prem.purchase == "upfront", lead, per_server);
    }
    owned = fleet.online;
    if (detail && lead > 0 && !fleet.purchases.empty() && fleet.purchases.front().online_month < lead) {
      r.notes.push_back("the first servers are ordered " + std::to_string(lead) +
                        " months before the horizon starts (lead time); their cash is counted in month 1");
    }
  }

  // Work per block: owned GPUs first, the rest rented.
  std::vector<double> busy_owned_W(static_cast<std::size_t>(H), 0), owned_busy_h(static_cast<std::size_t>(H), 0),
      owned_idle_h(static_cast<std::size_t>(H), 0), cloud_gpu_h(static_cast<std::size_t>(H), 0),
      burst_share(static_cast<std::size_t>(H), 0);
  std::vector<Block> cloud_blocks;  // rented GPUs per block, for commitments
  double unmet_h = 0;
  for (const Block& b : tl.blocks) {
    const auto m = static_cast<std::size_t>(b.month);
    const double own = owned[m];
    const double on_owned = std::min(b.gpus, own);
    const double rest = b.gpus - on_owned;
    const double avg_W = b.gpus > 0 ? b.busy_W / b.gpus : 0;
    owned_busy_h[m] += on_owned * b.hours;
    owned_idle_h[m] += (own - on_owned) * b.hours;
    busy_owned_W[m] += on_owned * avg_W * b.hours;
    if (has_cloud) {
      const double g = ceil_to(rest * cloud_ratio, gpi);
      cloud_gpu_h[m] += g * b.hours;
      Block rented;
      rented.month = b.month;
      rented.hours = b.hours;
      rented.gpus = g;
      cloud_blocks.push_back(rented);
      if (rest > 0 && opt.kind == Option::Kind::hybrid) {
        if (b.training) burst_share[m] = std::max(burst_share[m], rest / b.gpus);
      }
    } else {
      unmet_h += rest * b.hours;
    }
  }
  if (detail && unmet_h > 0) {
    r.notes.push_back("demand exceeds the owned fleet for " + units::format_count(unmet_h) +
                      " GPU-hours; that work waits (the fleet is fixed by \"gpus\")");
  }

  // Cloud compute: commitments per term (take-or-pay), the rest at the option's pricing.
  if (has_cloud) {
    const int term = cc.commit_term == "3y" ? 36 : cc.commit_term == "1y" ? 12 : 0;
    std::vector<double> committed(static_cast<std::size_t>(H), 0);
    if (term > 0) {
      for (int t0 = 0; t0 < H; t0 += term) {
        const double level = cc.commit_gpus ? ceil_to(*cc.commit_gpus, gpi)
                                            : ceil_to(percentile_gpus(cloud_blocks, *cc.commit_percentile, t0, t0 + term), gpi);
        for (int m = t0; m < std::min(H, t0 + term); ++m) committed[static_cast<std::size_t>(m)] = level;
        if (detail && t0 + term > H && level > 0) {
          r.notes.push_back("the " + cc.commit_term + " commitment from month " + std::to_string(t0) + " runs " +
                            std::to_string(t0 + term - H) + " months past the horizon; those months are not counted");
        }
      }
    }
    double used_commit_h = 0, commit_h = 0;
    for (const Block& b : cloud_blocks) {
      const double on_commit = std::min(b.gpus, committed[static_cast<std::size_t>(b.month)]);
      used_commit_h += on_commit * b.hours;
      led.add("cloud_compute", b.month, (b.gpus - on_commit) * b.hours * overflow_per_gpu_h);
    }
    for (int m = 0; m < H; ++m) {
      const double h = committed[static_cast<std::size_t>(m)] * kHoursPerMonth;
      commit_h += h;
      led.add("cloud_commitment", m, h * commit_per_gpu_h);
    }
    r.cloud_gpu_hours = std::accumulate(cloud_gpu_h.begin(), cloud_gpu_h.end(), 0.0);
    if (!has_owned) r.utilization = commit_h > 0 ? used_commit_h / commit_h : 1;
    if (detail && cc.pricing == "spot" && spot_rate > 0) {
      r.notes.push_back("spot: " + units::format_count(spot_rate * kHoursPerMonth * 3600) +
                        " interruptions per instance per month; training pays the lost work and restarts in goodput");
    }
    // Storage for training data and checkpoints while campaigns run in the cloud, and egress of the results.
    const std::string sp = cc.provider;
    const Price* object = book.find("cloud-storage/" + sp + "/object-store");
    const Price* pfs = book.find("cloud-storage/" + sp + "/parallel-fs");
    std::vector<double> egress_gb(static_cast<std::size_t>(H), 0);
    for (std::size_t i = 0; i < st.demand.size(); ++i) {
      const Demand& d = st.demand[i];
      if (d.kind == Demand::Kind::inference) continue;
      const TrainingCapacity& t = cap.training.at({i, gpu});
      const double end = d.kind == Demand::Kind::training ? tl.campaign_end[i] : d.end_month.value_or(H);
      for (int m = 0; m < H; ++m) {
        const double active = std::clamp(std::min(end, m + 1.0) - std::max(d.start_month, double(m)), 0.0, 1.0);
        const double cloud_share = opt.kind == Option::Kind::hybrid ? burst_share[static_cast<std::size_t>(m)] : 1.0;
        if (active <= 0 || cloud_share <= 0) continue;
        double usd = 0;
        if (object) usd += t.dataset_bytes / 1e9 * object->value * active;
        if (pfs) usd += 2 * t.checkpoint_bytes / 1e9 * pfs->value * active;
        led.add("cloud_storage", m, usd * f.cloud);
        // Hybrid: the newest checkpoint comes home once a day of bursting; cloud: the trained weights once.
        if (opt.kind == Option::Kind::hybrid) {
          egress_gb[static_cast<std::size_t>(m)] += t.checkpoint_bytes / 1e9 * 30 * active;
        }
      }
      if (opt.kind == Option::Kind::cloud && d.kind == Demand::Kind::training) {
        const int done = std::min(H - 1, static_cast<int>(std::floor(end)));
        egress_gb[static_cast<std::size_t>(done)] += t.checkpoint_bytes / 7 / 1e9;  // bf16 weights: 2 of 14 bytes
      }
    }
    if (object) used.push_back("cloud-storage/" + sp + "/object-store");
    if (pfs) used.push_back("cloud-storage/" + sp + "/parallel-fs");
    for (int m = 0; m < H; ++m) led.add("egress", m, egress_usd(book, sp, egress_gb[static_cast<std::size_t>(m)]));
    if (book.find("egress/" + sp + "/tier-1")) used.push_back("egress/" + sp + "/tier-1");
  }

  std::vector<double> held_value(static_cast<std::size_t>(H), 0);  // book value of what is owned, end of month
  // Owned: capex per tranche, then power, facility, maintenance, software, staff; book value back at the end.
  if (has_owned) {
    const double decline = price(book, "on-prem/hardware-decline", &used);
    const double depr_years = price(book, "on-prem/depreciation", &used) * f.depreciation;
    const double residual = price(book, "on-prem/residual", &used);
    const double maint = price(book, "on-prem/maintenance", &used);
    const double elec = price(book, "on-prem/electricity", &used) * f.electricity;
    const double staff = price(book, "on-prem/staff", &used) * f.staff;
    const double per_staff = std::max(1.0, price(book, "on-prem/nodes-per-staff", &used));
    const double pue = [&] {
      for (const auto& [k, t] : cap.training) return t.pue;
      for (const auto& [k, s] : cap.services) return s.pue;
      return 1.3;
    }();
    const double total_gpus = fleet.online.empty() ? 0 : fleet.online.back();
    r.owned_gpus = static_cast<int>(total_gpus);
    const Capex whole = r.owned_gpus > 0 ? fleet_capex(book, cap, gpu, r.owned_gpus, detail, used) : Capex{};
    if (detail) r.bom = whole.bom;
    // Storage, bought with the first tranche: the largest campaign's dataset and two checkpoints, and at least
    // SemiAnalysis' starting point for an owned parallel file system, 2 PB per 1,024 H100s (Neocloud Playbook,
    // 2024-10, costs.md section 6).
    double storage_gb = total_gpus / 1024 * 2e6;
    for (const auto& [k, t] : cap.training) {
      if (k.second == gpu) storage_gb = std::max(storage_gb, (t.dataset_bytes + 2 * t.checkpoint_bytes) / 1e9);
    }
    const double storage_price = price(book, "on-prem/storage-capacity", &used) * f.hardware;
    if (detail && storage_gb > 0 && r.owned_gpus > 0) {
      r.bom.push_back({"storage", "all-flash parallel file system, usable GB (hardware; no file-system licence)", storage_gb, storage_price / f.hardware,
                       storage_gb * storage_price / f.hardware, "on-prem/storage-capacity"});
    }
    double hardware_capex_total = 0;
    // Straight-line depreciation to the residual share, at the end of month index month_end - 1.
    auto book_at = [&](double capex, int bought, int month_end) {
      const double age = static_cast<double>(month_end - bought) / 12;
      return capex * (1 - (1 - residual) * std::min(1.0, age / std::max(depr_years, 1e-9)));
    };
    for (std::size_t k = 0; k < fleet.purchases.size(); ++k) {
      Purchase& p = fleet.purchases[k];
      const double share = total_gpus > 0 ? p.gpus / total_gpus : 0;
      const double price_now = f.hardware * std::pow(1 - decline, p.month / 12.0);
      const double servers = whole.servers * share * price_now, network = whole.network * share * price_now;
      const double racks = whole.racks * share * price_now;
      const double storage = k == 0 ? storage_gb * storage_price * std::pow(1 - decline, p.month / 12.0) : 0;
      p.capex_usd = servers + network + racks + storage;
      hardware_capex_total += p.capex_usd;
      led.add("servers", p.month, servers);
      led.add("network", p.month, network);
      led.add("racks", p.month, racks);
      led.add("storage", p.month, storage);
      led.add("residual_value", H - 1, -book_at(p.capex_usd, p.month, H));
      for (int m = p.month; m < H - 1; ++m) held_value[static_cast<std::size_t>(m)] += book_at(p.capex_usd, p.month, m + 1);
      for (int m = p.online_month + 12; m < H; ++m) led.add("maintenance", m, p.capex_usd * maint / 12);
    }
    r.purchases = fleet.purchases;
    // Facility: colocation per provisioned kW while online, or a build sized to the final fleet's peak IT power.
    const double kw_per_gpu = cap.peak_W_per_gpu.at(gpu) / 1000;
    if (opt.on_prem.facility == "colocation") {
      const double colo = price(book, "on-prem/colocation", &used) * f.facility;
      for (int m = 0; m < H; ++m) led.add("facility", m, owned[static_cast<std::size_t>(m)] * kw_per_gpu * colo);
    } else {
      const double build = price(book, "on-prem/build", &used) * f.facility;
      const double life = price(book, "on-prem/build-life", &used);
      const double capex = total_gpus * kw_per_gpu / 1000 * build;
      led.add("facility", 0, capex);
      led.add("residual_value", H - 1, -capex * std::max(0.0, 1 - H / 12.0 / std::max(life, 1e-9)));
      for (int m = 0; m < H - 1; ++m) {
        held_value[static_cast<std::size_t>(m)] += capex * std::max(0.0, 1 - (m + 1) / 12.0 / std::max(life, 1e-9));
      }
    }
    const double idle_W = cap.idle_W_per_gpu.at(gpu);
    const double software = opt.on_prem.software_licences ? price(book, "on-prem/software", &used) : 0;
    double busy_h = 0, online_h = 0;
    for (int m = 0; m < H; ++m) {
      const auto mm = static_cast<std::size_t>(m);
      const double kwh = (busy_owned_W[mm] + owned_idle_h[mm] * idle_W) * pue / 1000;
      led.add("power", m, kwh * elec);
      led.add("software", m, owned[mm] * software / 12);
      led.add("staff", m, owned[mm] / per_server / per_staff * staff / 12);
      busy_h += owned_busy_h[mm];
      online_h += owned[mm] * kHoursPerMonth;
    }
    r.owned_gpu_hours = online_h;
    r.utilization = online_h > 0 ? busy_h / online_h : 0;
    if (detail && r.owned_gpus == 0) {
      r.notes.push_back("the owned base is 0 GPUs (the p" + units::format_count(opt.on_prem.base_percentile.value_or(0)) +
                        " of hourly demand is 0): nothing is bought and every hour is rented");
    } else if (detail) {
      r.notes.push_back("owned hardware is credited at its book value in the last month (" +
                        units::format_count(depr_years) + "-year straight line to " + units::format_percent(residual) +
                        " residual); capex " + units::format_money(hardware_capex_total));
      r.notes.push_back("power: the simulated draw of the work, idle GPUs at " + units::format_power(idle_W) +
                        " each, PUE " + units::format_count(pue) + " at " + units::format_money(elec) + "/kWh");
    }
  }
  led.fill(r);
  for (int m = 0; m < H; ++m) r.cumulative_cost_usd[static_cast<std::size_t>(m)] -= held_value[static_cast<std::size_t>(m)];
  r.npv_usd = npv(r.monthly_cost_usd, st.discount_rate * f.discount);
  r.cost_per_gpu_hour_usd = r.gpu_hours > 0 ? r.total_cost_usd / r.gpu_hours : 0;
  r.cost_per_million_tokens_usd = tokens > 0 ? r.total_cost_usd / tokens * 1e6 : 0;
  if (price_keys != nullptr) {
    std::sort(used.begin(), used.end());
    used.erase(std::unique(used.begin(), used.end()), used.end());
    *price_keys = std::move(used);
  }
  return r;
}

}  // namespace capsim::planner::tco
