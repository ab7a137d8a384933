#pragma once
/// @file commands.hpp
/// The `capsim` subcommands. Each returns a process exit code; errors propagate as capsim::Error to main().

#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace capsim::cli {

/// Options of `capsim run`.
struct RunOptions {
  std::string scenario;  ///< path; empty = the bundled default scenario
  std::string engine;    ///< empty = the scenario's own
  bool json = false;
  std::string out_dir;   ///< when set, result.json and summary.txt are written there
  std::string trace;     ///< des engine: write a Chrome trace of one iteration here
  bool strict = false;   ///< exit 1 also on a missed SLO or any warning (CI gates)
};

/// Options of `capsim validate`.
struct ValidateOptions {
  std::string dir;    ///< folder of suites; empty = the built-in data folder or $CAPSIM_DATA_DIR/validation
  std::string suite;  ///< empty = every suite
  std::string engine = "analytical";
  bool json = false;
  bool summary = false;  ///< one Markdown line per suite (the table README.md quotes) instead of every row
  std::string profile;  ///< calibration profile: adds a column with it applied to its GPU's rows
};

/// Options of `capsim plan-serving`.
struct PlanServingOptions {
  std::string scenario;
  std::string rate;      ///< target rate, e.g. "50/s" or "50"; empty = the workload's
  std::string workload;  ///< empty = the first inference workload
  std::string gpus;      ///< comma-separated GPU ids; empty = all
  std::string window;    ///< simulated arrivals per trial, e.g. "10 min"
  std::string headroom;  ///< spare capacity, e.g. "20%"; empty = 20%
  std::string check_window;  ///< the best fleet's long check, at least this much of arrivals; "0" skips it
  int top = 5;
  bool json = false;
};

/// Options of `capsim collective`.
struct CollectiveOptions {
  std::string gpu;          ///< catalog id; or take the cluster from `scenario`
  std::string scenario;
  int gpus = 0;             ///< communicator size; 0 = one node
  int gpus_per_node = 0;    ///< 0 = the GPU's node
  std::string op = "all_reduce";
  std::string bytes;        ///< one size; empty = the sweep below
  std::string min_bytes = "8";
  std::string max_bytes = "8G";
  double factor = 2;
  std::string nccl_tests;   ///< calibration log
  bool json = false;
};

/// Options of `capsim calibrate`.
struct CalibrateOptions {
  std::string out;                      ///< profile to write
  bool quick = false;                   ///< smoke run of the kernels
  std::vector<std::string> from;        ///< recorded capsim-bench-* outputs; empty = run the kernels
  std::string gemm_csv;                 ///< GEMM timings as CSV
  std::vector<std::string> nccl_tests;  ///< nccl-tests logs
  std::string gpu;                      ///< catalog id; empty = guessed from the device name
  std::string raw_dir;                  ///< keep the kernels' raw documents here; empty = a temporary folder
};

/// Registers `capsim calibrate` and its options on `app`, filling `options`.
CLI::App* add_calibrate_command(CLI::App& app, CalibrateOptions& options);
/// `capsim plan`.
struct PlanOptions {
  std::string study;
  bool json = false;
  std::string out_dir;   ///< when set: result.json, summary.txt, costs.csv, report.html, report.pdf
  int monte_carlo = -1;  ///< samples; -1 = the study's
};
CLI::App* add_plan_command(CLI::App& app, PlanOptions& options);
int plan_command(const PlanOptions& options);

int calibrate_command(const CalibrateOptions& options);

/// `capsim fleet-compare SCENARIO [--policies a,b] [--placements p,q] [--json]`.
struct FleetCompareOptions {
  std::string scenario;
  std::string policies;    ///< comma-separated; empty = every policy the fleet can use
  std::string placements;  ///< comma-separated; empty = the scenario's
  bool json = false;
};
CLI::App* add_fleet_compare_command(CLI::App& app, FleetCompareOptions& options);
int fleet_compare_command(const FleetCompareOptions& options);

/// `capsim search`.
struct SearchOptions {
  std::string scenario;  ///< path; empty = the bundled default scenario
  bool json = false;
  std::string out_dir;   ///< when set: result.json, summary.txt, pareto.csv
  int threads = 0;       ///< per process; 0 = every core
  std::vector<std::string> gpu;          ///< GPU types (replace `search.gpu`)
  std::vector<int> gpus;                 ///< cluster sizes (replace `search.gpus`)
  std::vector<std::string> precision;    ///< replace `search.precision`
  std::vector<double> oversubscription;  ///< replace `search.oversubscription`
  std::string price;     ///< "$2.50/h" per GPU; empty = the price book's
  std::string budget;    ///< "$5M": configurations that cost more are infeasible
  std::string deadline;  ///< "90d": per GPU type, the fewest GPUs that train the tokens in time
  std::string verify;    ///< "des": re-run the fastest of the front on the DES engine
  int top = 3;           ///< how many --verify re-runs
};
CLI::App* add_search_command(CLI::App& app, SearchOptions& options);
int search_command(const SearchOptions& options);

/// Registers `capsim collective` and its options on `app`, filling `options`.
CLI::App* add_collective_command(CLI::App& app, CollectiveOptions& options);
int collective_command(const CollectiveOptions& options);
int run_command(const RunOptions& options);
int plan_serving_command(const PlanServingOptions& options);
int validate_command(const ValidateOptions& options);

/// Folder of the bundled scenarios: $CAPSIM_DATA_DIR if set, else the source tree's scenarios/.
std::string data_dir();

}  // namespace capsim::cli
