// `capsim search SCENARIO`: every valid layout of the scenario's training workload, the best per objective and the
// Pareto front of time, cost and energy; on threads, and on MPI ranks under mpirun.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <thread>

#include "cli/commands.hpp"
#include "cli/search_summary.hpp"
#include "planner/search/deadline_sizing.hpp"
#include "planner/search/des_verify.hpp"
#include "planner/search/design_search.hpp"
#include "planner/search/pareto_chart.hpp"
#include "planner/search/search_json.hpp"
#include "planner/search/search_mpi.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/embedded_file.hpp"
#include "sim/core/error.hpp"
#include "sim/core/units.hpp"

namespace capsim::cli {

std::vector<EmbeddedFile> builtin_scenario_files();

namespace {

using namespace planner::search;

/// A command-line quantity, or a capsim::UsageError naming the option.
double option_quantity(const std::string& text, units::Dimension dim, const std::string& option) {
  std::string error;
  const auto v = units::parse(text, dim, &error, units::BareNumber::si);
  if (!v || *v <= 0) {
    throw UsageError(option + ": cannot read \"" + text + "\" as " + std::string(units::describe(dim)) +
                     (error.empty() ? "" : " (" + error + ")"));
  }
  return *v;
}

/// The command line's axes replace the scenario's `search` block.
void apply_options(const SearchOptions& o, SearchSpec& spec) {
  if (!o.gpu.empty()) spec.gpu_types = o.gpu;
  if (!o.gpus.empty()) spec.cluster_gpus = o.gpus;
  if (!o.oversubscription.empty()) spec.oversubscription = o.oversubscription;
  if (!o.precision.empty()) {
    spec.precisions.clear();
    for (const auto& name : o.precision) {
      const auto p = hw::precision_from_string(name);
      if (!p) throw UsageError("--precision: unknown precision \"" + name + "\" (use bf16, fp16, fp8 or fp32)");
      spec.precisions.push_back(*p);
    }
  }
  if (!o.price.empty()) spec.price_usd_per_gpu_s = option_quantity(o.price, units::Dimension::money_rate, "--price");
  if (!o.budget.empty()) spec.budget_usd = option_quantity(o.budget, units::Dimension::money, "--budget");
  if (!o.deadline.empty()) spec.deadline_s = option_quantity(o.deadline, units::Dimension::time, "--deadline");
}

/// A one-line bar on stderr, redrawn in place.
void draw_progress(double share) {
  const int width = 40;
  const int full = static_cast<int>(share * width);
  std::fprintf(stderr, "\r  searching [%s%s] %3d%%", std::string(full, '#').c_str(),
               std::string(width - full, ' ').c_str(), static_cast<int>(share * 100));
  if (share >= 1) std::fprintf(stderr, "\r%*s\r", width + 24, "");
  std::fflush(stderr);
}

}  // namespace

CLI::App* add_search_command(CLI::App& app, SearchOptions& o) {
  auto* cmd = app.add_subcommand(
      "search",
      "Every valid parallel layout of the scenario's training workload: best time, cost and energy, and "
      "their Pareto front (under mpirun, spread over the ranks)");
  cmd->add_option("scenario", o.scenario,
                  "Scenario file, with an optional \"search\" block (default: the bundled one)");
  cmd->add_flag("--json", o.json, "Print the result document as JSON on stdout, and nothing else");
  cmd->add_option("--out", o.out_dir,
                  "Also write result.json, summary.txt, pareto.csv and pareto.html (the chart) into this folder");
  cmd->add_option("--threads", o.threads, "Threads per process (default: every core)")->check(CLI::Range(1, 256));
  cmd->add_option("--gpu", o.gpu, "GPU types to try, comma-separated (default: the scenario's)")->delimiter(',');
  cmd->add_option("--gpus", o.gpus, "Cluster sizes in GPUs to try, comma-separated (default: the scenario's)")
      ->delimiter(',')
      ->check(CLI::Range(1, 10'000'000));
  cmd->add_option("--precision", o.precision, "Math precisions to try, comma-separated (default: the workload's)")
      ->delimiter(',');
  cmd->add_option("--oversubscription", o.oversubscription, "Fabric oversubscription ratios to try, comma-separated")
      ->delimiter(',')
      ->check(CLI::Range(1.0, 64.0));
  cmd->add_option("--price", o.price, "Price per GPU-hour, e.g. '$2.50/h' (default: the price book's cheapest)");
  cmd->add_option("--budget", o.budget, "Most a configuration may cost, e.g. '$5M' (GPU-time to train, or per step)");
  cmd->add_option("--deadline", o.deadline,
                  "Wall time to train the workload's tokens in, failures included, e.g. 90d: per GPU type, the fewest "
                  "GPUs that make it and the cheapest layout");
  cmd->add_option("--verify", o.verify, "Re-run the fastest configurations of the front on this engine")
      ->check(CLI::IsMember({"des"}));
  cmd->add_option("--top", o.top, "How many configurations --verify re-runs (default: 3)")->check(CLI::Range(1, 50));
  return cmd;
}

int search_command(const SearchOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const MpiSession mpi;
  SearchSpec spec;
  const planner::Scenario scenario =
      o.scenario.empty()
          ? load_search_scenario(std::string(builtin_scenario_files().front().content), "<built-in default.json>", spec)
          : load_search_scenario_file(o.scenario, spec);
  apply_options(o, spec);
  if (!o.out_dir.empty() && mpi.rank() == 0) prepare_output_folder(o.out_dir);
  RunSettings settings;
  // Ranks on one machine share its cores: by default each takes its share of them.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  settings.threads = o.threads > 0 ? o.threads : std::max(1, cores / mpi.local_size());
  settings.rank = mpi.rank();
  settings.ranks = mpi.size();
  std::optional<DeadlineResult> sized;
  SearchProblem problem;
  SearchTally tally;
  if (spec.deadline_s > 0) {
    sized = size_for_deadline(scenario, spec, settings, [&mpi](const SearchTally& t) { return mpi.all_reduce(t); });
    problem = sized->problem;
    tally = sized->tally;
  } else {
    problem = make_search_problem(scenario, spec);
    if (!o.json && mpi.rank() == 0 && isatty(STDERR_FILENO) != 0) settings.progress = draw_progress;
    tally = mpi.reduce(run_search(problem, settings));
  }
  const double elapsed = mpi.max(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (mpi.rank() != 0) return 0;

  RunFacts facts;
  facts.elapsed_s = elapsed;
  facts.threads = settings.threads;
  facts.ranks = mpi.size();
  auto doc = search_json(problem, tally, facts);
  std::string summary = search_summary(problem, tally, facts);
  if (sized) {
    doc["deadline"] = deadline_json(*sized);
    summary += deadline_summary(*sized);
  }
  if (!o.verify.empty()) {
    const auto checked = verify_on_des(problem, tally, o.top, scenario.simulation.des);
    doc["verify"] = verify_json(problem, checked);
    summary += verify_summary(problem, checked);
  }
  if (!o.out_dir.empty()) {
    write_file_atomically(o.out_dir + "/result.json", doc.dump(2) + "\n");
    write_file_atomically(o.out_dir + "/summary.txt", summary);
    write_file_atomically(o.out_dir + "/pareto.csv", pareto_csv(problem, tally));
    write_file_atomically(o.out_dir + "/pareto.html", pareto_html(problem, tally, summary));
  }
  if (o.json) {
    std::cout << doc.dump(2) << "\n";
  } else {
    std::cout << summary;
    if (!o.out_dir.empty())
      std::cout << "\nWrote result.json, summary.txt, pareto.csv and pareto.html to " << o.out_dir << "\n";
  }
  if (sized && sized->cheapest < 0) {
    throw InfeasibleError(
        "no GPU type trains \"" + problem.job.name + "\" within " + units::format_time(spec.deadline_s) +
        " on the cluster sizes tried (per GPU type, the result gives the best time on the largest cluster tried)");
  }
  if (!tally.has_best) {
    std::string why;
    for (std::size_t i = 0; i < kInfeasibleReasons; ++i) {
      if (tally.infeasible[i] == 0) continue;
      why += (why.empty() ? "" : ", ") + std::string(to_string(static_cast<Infeasible>(i))) + " " +
             units::format_integer(static_cast<double>(tally.infeasible[i]));
    }
    throw InfeasibleError(
        "none of the " + units::format_integer(static_cast<double>(tally.evaluated)) + " configurations of \"" +
        problem.job.name + "\" is feasible (" + why +
        "): add GPUs (--gpus), a GPU with more memory (--gpu), another precision or a larger --budget");
  }
  return 0;
}

}  // namespace capsim::cli
