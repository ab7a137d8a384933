#pragma once
/// @file study_what_if.hpp
/// The what-if edits the study panel makes to a buy-or-rent study, applied and planned without Qt, so that the panel
/// only collects numbers and the tests can drive the logic directly. Every edit starts again from the loaded study:
/// what-ifs never accumulate, and the file's values give the file's plan bit for bit.

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "planner/tco/capacity.hpp"
#include "planner/tco/plan_result.hpp"
#include "planner/tco/study.hpp"

namespace capsim::gui {

/// The inputs a buy-or-rent planner varies. study_what_if_of() gives the file's values; a field equal to the file's
/// value leaves the study exactly as loaded.
struct StudyWhatIf {
  /// GPU type id of every option: the owned GPUs of on-prem and hybrid options, and the instance of cloud options
  /// (switched to the cheapest instance with that GPU at the same pricing, the same provider first). The file's
  /// value is the first option's GPU.
  std::string gpu;
  /// Servers every on-prem option and the base of every hybrid owns, a fixed fleet of nodes x the server's GPUs for
  /// the whole horizon; empty = the file's sizing (sized to the demand, or the hybrid's base percentile).
  std::optional<int> nodes;
  double cloud_price_factor = 1.0;       ///< multiplies every cloud price per hour (instances and flat prices)
  double electricity_usd_per_kwh = 0;    ///< price-book key "on-prem/electricity", USD per kWh
  /// Compound monthly growth of the rate of every inference demand (0.08 = 8% a month); the file's value is the
  /// first service's (0 when the study has none).
  double services_growth = 0;
  double discount_rate = 0.10;           ///< yearly, for the NPV (0.10 = 10%)
  double depreciation_years = 0;         ///< price-book key "on-prem/depreciation", years
  /// Leaf down:up ratio of the scale-out fabric of every demand scenario (`cluster.scale_out.oversubscription`,
  /// 1 = full bisection); the file's value is the first demand's.
  double oversubscription = 1.0;

  bool operator==(const StudyWhatIf&) const = default;
};

/// What one evaluation produced: a plan, or the problems that stopped it.
struct StudyOutcome {
  std::optional<planner::tco::PlanResult> plan;  ///< empty when `problems` is not
  std::vector<std::string> problems;             ///< why it cannot be planned, sentences for people
  double elapsed_s = 0;                          ///< wall time of applying and planning, seconds
};

/// The study's own values of every what-if field.
StudyWhatIf study_what_if_of(const planner::tco::Study& study);

/// GPU type ids the study's price book can price: those with an on-prem server or a cloud instance, sorted.
std::vector<std::string> study_gpu_types(const planner::tco::Study& study);

/// True when the study has an inference demand (the services growth field means something).
bool has_services(const planner::tco::Study& study);

/// The fields of `w` that differ from `file`, one short text each for people: "electricity $0.08 -> $0.12/kWh",
/// "cloud prices x1.20", "owned nodes: sized to demand -> 64". Empty when they are equal.
std::vector<std::string> study_what_if_changes(const StudyWhatIf& file, const StudyWhatIf& w);

/// Applies `w` to `study` (loaded with the values `file`, from study_what_if_of) in place; only the fields that
/// differ from `file` touch it. Returns the problems that stop the plan (an unknown GPU, no instance with it, a
/// value out of range); `study` is then partly edited and should be dropped.
std::vector<std::string> apply_study_what_if(planner::tco::Study& study, const StudyWhatIf& file,
                                             const StudyWhatIf& w);

/// The simulated shapes (tco::build_capacity) of one study's what-ifs, by GPU type and oversubscription: only those
/// two fields change what is simulated, so every other edit replans in milliseconds instead of re-simulating
/// (chat-growth: 0.37 s of simulation, then about 7 ms of costing and tornado). Keeps the last kCapacityCacheSize
/// models. Belongs to one loaded study: it empties itself when asked for another study's file, and clear() empties
/// it (call it when a study is reloaded). Thread-safe: a background run and the next one may share it (a miss
/// simulates under the lock, so two runs never simulate the same shapes twice).
class StudyCapacityCache {
 public:
  static constexpr std::size_t kCapacityCacheSize = 8;

  /// The model of `edited` (the base study with `w` applied), simulated now or reused; never null. Throws what
  /// tco::build_capacity throws (nothing is cached then).
  std::shared_ptr<const planner::tco::CapacityModel> get(const planner::tco::Study& edited, const StudyWhatIf& w);
  void clear();
  /// Models held.
  std::size_t size() const;
  /// Times get() had to simulate.
  int misses() const;

 private:
  struct Entry {
    std::string gpu;
    double oversubscription = 1;
    std::shared_ptr<const planner::tco::CapacityModel> model;
  };
  mutable std::mutex mutex_;
  std::string file_;            ///< the study the models belong to
  std::vector<Entry> entries_;  ///< most recently used last
  int misses_ = 0;
};

/// Applies `w` to a copy of `base` and plans it with tco::plan_study (`monte_carlo` samples; 0 = none, the study
/// view does not show them), reusing `cache`'s shapes when given (may be null: simulate every time). Never throws
/// for bad input (capsim::Error): those become `problems`.
StudyOutcome evaluate_study_what_if(const planner::tco::Study& base, const StudyWhatIf& w, int monte_carlo = 0,
                                    StudyCapacityCache* cache = nullptr);

}  // namespace capsim::gui
