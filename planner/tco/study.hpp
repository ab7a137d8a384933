#pragma once
/// @file study.hpp
/// A study file (schema "capsim/study/v1") after parsing and checking: a horizon, the demand (training campaigns,
/// recurring jobs and inference services, each pointing at a workload of a scenario file), the options to compare
/// (cloud, on-prem, hybrid) and the prices, merged from the built-in price book, the study's own price-book files and
/// its inline overrides.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "planner/scenario.hpp"
#include "planner/tco/price_book.hpp"

namespace capsim::planner::tco {

/// One line of demand.
struct Demand {
  enum class Kind { training, recurring, inference };
  Kind kind = Kind::training;
  std::string name;
  std::string scenario_path;           ///< resolved against the study's directory
  std::shared_ptr<const Scenario> scenario;
  std::string workload;                ///< workload name in the scenario
  std::string pointer;                 ///< JSON pointer of the item, for messages
  // training and recurring
  double tokens = 0;                   ///< per campaign or per run; 0 = the workload's own
  double start_month = 0;              ///< when it starts (training, inference) or begins recurring
  std::optional<double> deadline_months;  ///< training: must finish within this many months of its start
  double runs_per_month = 0;           ///< recurring
  std::optional<double> end_month;     ///< recurring and inference: stops at this month (default: the horizon)
  // inference
  double rate_per_s = 0;               ///< starting rate (mean over the day)
  double monthly_growth = 0;           ///< compound growth of the rate per month
  std::vector<double> daily_curve;     ///< 24 hourly multipliers, mean 1 (from the workload's rate curve or given)
  double headroom = 0.2;               ///< spare capacity kept above the hourly rate
};

/// What a cloud option rents.
struct CloudChoice {
  std::string instance;                   ///< price-book instance id; empty with price_per_gpu_hour
  std::string gpu;                        ///< GPU type (from the instance, or given)
  int gpus_per_instance = 8;
  std::string provider;                   ///< for storage and egress prices ("custom" with a flat price)
  std::string pricing = "on-demand";      ///< model of the hours no commitment covers
  std::optional<double> price_per_gpu_hour;  ///< overrides the book
  std::string commit_term;                ///< "", "1y" or "3y": reserved GPUs, take-or-pay
  std::optional<double> commit_percentile;   ///< reserve this percentile of hourly demand per term
  std::optional<int> commit_gpus;            ///< or this many GPUs
};

/// What an on-prem option owns.
struct OnPremChoice {
  std::string gpu;
  std::optional<int> gpus;                ///< fixed fleet; default sized to the demand
  std::string facility = "colocation";    ///< "colocation" or "build"
  std::string purchase = "as-needed";     ///< "as-needed" (tranches when the need grows) or "upfront"
  bool software_licences = false;
  std::optional<double> base_percentile;  ///< hybrid: size to this percentile of hourly demand
  /// `fleet`: a scenario with a fleet block on this GPU type, resolved path; its run gives the owned cluster's
  /// scheduling and repair losses and its queueing. "" = none (the owned GPUs are assumed perfectly packed).
  std::string fleet;
};

struct Option {
  enum class Kind { cloud, on_prem, hybrid };
  Kind kind = Kind::cloud;
  std::string name;
  std::string pointer;
  CloudChoice cloud;    ///< cloud, and the burst part of a hybrid
  OnPremChoice on_prem; ///< on-prem, and the base of a hybrid
};

std::string to_string(Option::Kind kind);
std::string to_string(Demand::Kind kind);

struct Study {
  std::string file;
  std::string name;
  int horizon_months = 36;
  double discount_rate = 0.10;
  std::vector<Demand> demand;
  std::vector<Option> options;
  PriceBook prices;                 ///< built-in, then the study's files, then its inline prices
  double sensitivity_range = 0.2;   ///< tornado: +/- this share
  int monte_carlo_samples = 0;      ///< 0 = no Monte Carlo
  unsigned long long seed = 1;
};

/// Parses and checks a study document; `file` names it in messages and anchors relative paths. Every scenario is
/// loaded and checked. Throws capsim::InputError listing every problem.
Study load_study(const nlohmann::json& doc, const std::string& file);
/// Reads `path` and calls load_study (unreadable files and invalid JSON become capsim::InputError).
Study load_study_file(const std::string& path);
/// Parses study text; `file` is a label and the base of relative paths (the fuzz test uses it).
Study load_study_text(const std::string& text, const std::string& file);

}  // namespace capsim::planner::tco
