#pragma once
/// @file study_page.hpp
/// The page of a study: left, the what-if form (StudyPanel); right, the TCO comparison (TcoView) of the what-if
/// against the file's own plan. Plans run in the background (BackgroundRunner); the file's plan is kept as the
/// baseline every what-if is compared with.

#include <QWidget>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gui/study_what_if.hpp"
#include "planner/tco/plan_result.hpp"
#include "planner/tco/study.hpp"

namespace capsim::gui {

class BackgroundRunner;
class StudyPanel;
class TcoView;

class StudyPage : public QWidget {
  Q_OBJECT

 public:
  explicit StudyPage(BackgroundRunner* runner, QWidget* parent = nullptr);

  /// Shows `study` and plans it with the file's values (in the background).
  void set_study(std::shared_ptr<const planner::tco::Study> study);
  /// Shows the file's problems instead of a plan.
  void show_file_problems(const std::vector<std::string>& problems);

  StudyPanel* panel() const { return panel_; }
  TcoView* view() const { return view_; }
  /// The plan shown (the what-if's, or the file's when nothing is changed); none before the first plan lands.
  const std::optional<planner::tco::PlanResult>& plan() const { return plan_; }
  /// The file's own plan.
  const std::optional<planner::tco::PlanResult>& baseline() const { return baseline_; }
  /// The what-if changes against the file, for people ("electricity $0.08 -> $0.12/kWh"); empty = the file.
  std::vector<std::string> changes() const;
  const planner::tco::Study* study() const { return study_.get(); }
  /// The shown plan with all the CLI's `plan` gives, for exports: what-ifs skip the study's Monte Carlo to redraw
  /// fast, so when the study asks for one it is run here (on the calling thread). None before a plan lands.
  std::optional<planner::tco::PlanResult> plan_for_export() const;

 public slots:
  void rerun();

 signals:
  void status(const QString& message);
  /// A plan landed (the file's or a what-if's).
  void planned();

 private:
  /// Adds the what-if's changes to the plan's warnings, so every report of it says what it shows.
  void mark_what_if(planner::tco::PlanResult& plan) const;
  void show_outcome(const StudyOutcome& outcome, bool is_baseline, const StudyWhatIf& w);

  BackgroundRunner* runner_;
  std::shared_ptr<const planner::tco::Study> study_;
  /// The simulated capacity per GPU type and fabric of this study: a price, demand or discount what-if re-prices
  /// in milliseconds instead of re-simulating (seconds for a study with services). Shared with the worker threads.
  std::shared_ptr<StudyCapacityCache> capacity_ = std::make_shared<StudyCapacityCache>();
  std::optional<planner::tco::PlanResult> plan_, baseline_;
  StudyWhatIf shown_;  ///< the what-if the shown plan is of
  StudyPanel* panel_ = nullptr;
  TcoView* view_ = nullptr;
};

}  // namespace capsim::gui
