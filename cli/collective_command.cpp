// `capsim collective`: what nccl-tests would print for a collective on a cluster, predicted by the collective model.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "models/hardware/gpu_catalog.hpp"
#include "models/network/collective_calibration.hpp"
#include "models/network/collective_table.hpp"
#include "models/network/nccl_tests_import.hpp"
#include "planner/json_reader.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::cli {

namespace {

/// A size as nccl-tests -b/-e take it ("8", "64K", "8G": binary multiples) or with a unit ("1 GiB", "16 MB").
double parse_size(const std::string& text, const std::string& option) {
  static const std::string suffixes = "KMGT";
  if (!text.empty()) {
    const auto at = suffixes.find(static_cast<char>(std::toupper(static_cast<unsigned char>(text.back()))));
    const auto mantissa = units::parse(text.substr(0, text.size() - 1), units::Dimension::count);
    if (at != std::string::npos && mantissa) return *mantissa * std::pow(1024.0, static_cast<double>(at + 1));
  }
  if (auto v = units::parse(text, units::Dimension::bytes, nullptr, units::BareNumber::si); v && *v >= 1) return *v;
  throw UsageError(option + " " + text + ": expected a size in bytes such as 8, 64K, 8G or \"16 MiB\"");
}

hw::ClusterSpec cluster_for(const CollectiveOptions& o, int& gpus) {
  hw::ClusterSpec cluster;
  if (!o.scenario.empty()) {
    cluster = planner::load_scenario_file(o.scenario).cluster;
  } else {
    const hw::GpuSpec* gpu = hw::GpuCatalog::builtin().find(o.gpu);
    if (gpu == nullptr) {
      const auto known = hw::GpuCatalog::builtin().ids();
      const std::string near = planner::closest_match(o.gpu, known);
      throw UsageError("--gpu " + o.gpu + ": unknown GPU (" + (near.empty() ? "" : "did you mean " + near + "? ") +
                       "known: " + planner::join_alternatives(known, ", ") + ")");
    }
    cluster = hw::default_cluster(*gpu, 1);
    if (o.gpus_per_node > 0) {
      // A node of other size keeps the GPU's NICs per GPU and has its own NVLink domain.
      cluster.scale_out.nics_per_node =
          std::max(1, cluster.scale_out.nics_per_node * o.gpus_per_node / cluster.gpus_per_node);
      cluster.gpus_per_node = o.gpus_per_node;
      cluster.scale_up.domain_gpus = std::min(cluster.scale_up.domain_gpus, o.gpus_per_node);
    }
  }
  gpus = o.gpus > 0 ? o.gpus : cluster.gpus_per_node;
  if (o.scenario.empty()) cluster.nodes = (gpus + cluster.gpus_per_node - 1) / cluster.gpus_per_node;
  if (gpus > cluster.total_gpus()) {
    throw UsageError("--gpus " + std::to_string(gpus) + ": the scenario's cluster has " +
                     std::to_string(cluster.total_gpus()) + " GPUs");
  }
  if (!o.nccl_tests.empty()) cluster.scale_out.nccl_tests.push_back(net::measured_curve(net::read_nccl_tests(o.nccl_tests)));
  return cluster;
}

void print_table(const std::vector<net::CollectiveRow>& rows, net::CollectiveOp op, const hw::ClusterSpec& c, int gpus,
                 std::ostream& out) {
  const int per_node = std::min(gpus, c.gpus_per_node);
  out << fmt::format("# capsim collective: {} on {} x {} ({} node{}, {} GPUs per node), predicted\n", net::to_string(op),
                     gpus, c.gpu.name, (gpus + per_node - 1) / per_node, gpus > per_node ? "s" : "", per_node);
  if (!c.scale_out.nccl_tests.empty()) out << "# calibrated by " << c.scale_out.nccl_tests.back().source << '\n';
  out << "#\n";
  out << fmt::format("# {:>10}  {:>12}  {:>8}  {:>6}  {:>6}  {:>8}  {:>7}  {:>7}  {}\n", "size", "count", "type", "redop",
                     "root", "time", "algbw", "busbw", "algorithm");
  out << fmt::format("# {:>10}  {:>12}  {:>8}  {:>6}  {:>6}  {:>8}  {:>7}  {:>7}\n", "(B)", "(elements)", "", "", "",
                     "(us)", "(GB/s)", "(GB/s)");
  const bool reduces = op != net::CollectiveOp::all_gather && op != net::CollectiveOp::all_to_all;
  double sum = 0;
  for (const auto& r : rows) {
    const double us = r.time_s * 1e6;
    const std::string time = us < 1e4 ? fmt::format("{:.2f}", us) : us < 1e5 ? fmt::format("{:.1f}", us)
                                                                               : fmt::format("{:.0f}", us);
    std::string algo = std::string(net::to_string(r.estimate.algorithm)) + "/" +
                       std::string(net::to_string(r.estimate.protocol));
    if (r.estimate.calibrated) algo += " (measured)";
    out << fmt::format("{:>12.0f}  {:>12.0f}  {:>8}  {:>6}  {:>6}  {:>8}  {:>7.2f}  {:>7.2f}  {}\n", r.bytes, r.bytes / 4,
                       "float", reduces ? "sum" : "none", -1, time, r.algbw_Bps / 1e9, r.busbw_Bps / 1e9, algo);
    sum += r.busbw_Bps;
  }
  out << fmt::format("# Avg bus bandwidth    : {:.4f}\n", rows.empty() ? 0.0 : sum / rows.size() / 1e9);
}

}  // namespace

CLI::App* add_collective_command(CLI::App& app, CollectiveOptions& o) {
  auto* cmd = app.add_subcommand("collective", "Predict nccl-tests output (size, time, algbw, busbw) for a collective");
  cmd->add_option("--gpu", o.gpu, "Catalog GPU id, e.g. h100-sxm5-80gb (its default node and NICs)");
  cmd->add_option("--scenario", o.scenario, "Take the cluster (fabric, calibration) from this scenario instead");
  cmd->add_option("--gpus", o.gpus, "GPUs in the communicator (default: one node)")->check(CLI::Range(1, 10'000'000));
  cmd->add_option("--gpus-per-node", o.gpus_per_node, "GPUs per node (default: the GPU's node)")
      ->check(CLI::Range(1, 1024));
  cmd->add_option("--op", o.op, "all_reduce, reduce_scatter, all_gather, all_to_all or send_recv")
      ->check(CLI::IsMember({"all_reduce", "reduce_scatter", "all_gather", "all_to_all", "send_recv"}));
  cmd->add_option("--bytes", o.bytes, "One message size (default: a sweep like nccl-tests -b 8 -e 8G -f 2)");
  cmd->add_option("-b,--min-bytes", o.min_bytes, "Sweep start (default 8)");
  cmd->add_option("-e,--max-bytes", o.max_bytes, "Sweep end (default 8G)");
  cmd->add_option("-f,--step-factor", o.factor, "Sweep multiplication factor (default 2)")->check(CLI::Range(1.01, 1e6));
  cmd->add_option("--nccl-tests", o.nccl_tests, "An nccl-tests log whose measured curve replaces the model's");
  cmd->add_flag("--json", o.json, "Print a JSON list of rows (bytes, time_s, algbw_Bps, busbw_Bps), and nothing else");
  return cmd;
}

int collective_command(const CollectiveOptions& o) {
  if (o.gpu.empty() && o.scenario.empty()) throw UsageError("collective: give --gpu ID or --scenario FILE");
  net::CollectiveOp op;
  net::collective_op_from_string(o.op, op);
  int gpus = 1;
  const hw::ClusterSpec cluster = cluster_for(o, gpus);
  const int per_node = std::min(gpus, cluster.gpus_per_node);
  const net::CommGroup group{gpus, per_node, per_node};
  const std::vector<double> sizes =
      o.bytes.empty() ? net::sweep_sizes(parse_size(o.min_bytes, "--min-bytes"), parse_size(o.max_bytes, "--max-bytes"),
                                         o.factor)
                      : std::vector<double>{parse_size(o.bytes, "--bytes")};
  if (sizes.empty()) throw UsageError("collective: --min-bytes must not exceed --max-bytes");
  const net::NcclCollectives model(cluster);
  const auto rows = net::collective_table(model, op, group, sizes);
  if (o.json) {
    nlohmann::json doc = nlohmann::json::array();
    for (const auto& r : rows) {
      doc.push_back({{"bytes", r.bytes}, {"time_s", r.time_s}, {"algbw_Bps", r.algbw_Bps}, {"busbw_Bps", r.busbw_Bps},
                     {"algorithm", net::to_string(r.estimate.algorithm)},
                     {"protocol", net::to_string(r.estimate.protocol)}, {"calibrated", r.estimate.calibrated}});
    }
    std::cout << doc.dump(2) << '\n';
  } else {
    print_table(rows, op, cluster, gpus, std::cout);
  }
  return 0;
}

}  // namespace capsim::cli
