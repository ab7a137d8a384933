#include "gui/study_page.hpp"

#include <QHBoxLayout>
#include <QScrollArea>
#include <QSplitter>
#include <utility>

#include "gui/background_runner.hpp"
#include "gui/study_panel.hpp"
#include "gui/tco_view.hpp"
#include "sim/core/units.hpp"

namespace capsim::gui {

StudyPage::StudyPage(BackgroundRunner* runner, QWidget* parent) : QWidget(parent), runner_(runner) {
  panel_ = new StudyPanel;
  auto* scroll = new QScrollArea;
  scroll->setWidget(panel_);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setMinimumWidth(340);
  view_ = new TcoView;
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(scroll);
  split->addWidget(view_);
  split->setStretchFactor(1, 1);
  split->setSizes({350, 1090});
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(split);
  connect(panel_, &StudyPanel::what_if_changed, this, &StudyPage::rerun);
  connect(panel_, &StudyPanel::reset_requested, this, &StudyPage::rerun);
  view_->clear(QStringLiteral("no study loaded"));
}

void StudyPage::set_study(std::shared_ptr<const planner::tco::Study> study) {
  study_ = std::move(study);
  capacity_ = std::make_shared<StudyCapacityCache>();  // a new or reloaded study simulates afresh
  plan_.reset();
  baseline_.reset();
  panel_->set_study(*study_);
  panel_->show_problems({});
  view_->clear(QStringLiteral("planning..."));
  rerun();
}

void StudyPage::show_file_problems(const std::vector<std::string>& problems) {
  study_.reset();
  plan_.reset();
  baseline_.reset();
  panel_->show_problems(problems);
  view_->clear(QStringLiteral("the study file has problems (see the panel)"));
}

std::vector<std::string> StudyPage::changes() const {
  if (!study_) return {};
  return study_what_if_changes(panel_->file_values(), shown_);
}

void StudyPage::rerun() {
  if (!study_) return;
  const StudyWhatIf w = panel_->what_if();
  const bool is_baseline = w == panel_->file_values();
  if (is_baseline && baseline_) {  // back to the file's values: its plan is at hand
    if (runner_->busy()) runner_->cancel();
    shown_ = w;
    plan_ = baseline_;
    panel_->show_problems({});
    view_->set_plan(*plan_, nullptr);
    emit status(QStringLiteral("The file's values"));
    emit planned();
    return;
  }
  auto study = study_;
  auto capacity = capacity_;
  const bool need_baseline = !baseline_;
  const StudyWhatIf file = panel_->file_values();
  runner_->run(QStringLiteral("Planning %1").arg(QString::fromStdString(study->name)),
               [this, study, capacity, w, file, need_baseline, is_baseline]() -> BackgroundRunner::Delivery {
                 auto base = need_baseline && !is_baseline
                                 ? std::make_shared<StudyOutcome>(evaluate_study_what_if(*study, file, 0, capacity.get()))
                                 : nullptr;
                 auto outcome = std::make_shared<StudyOutcome>(evaluate_study_what_if(*study, w, 0, capacity.get()));
                 return [this, base, outcome, is_baseline, w, file] {
                   if (base && base->plan) baseline_ = base->plan;
                   show_outcome(*outcome, is_baseline, w);
                 };
               });
}

void StudyPage::mark_what_if(planner::tco::PlanResult& plan) const {
  const std::vector<std::string> changed = changes();
  if (changed.empty()) return;
  std::string line = "What-if against the file:";
  for (std::size_t i = 0; i < changed.size(); ++i) line += (i ? "; " : " ") + changed[i];
  plan.warnings.insert(plan.warnings.begin(), line + ".");
}

std::optional<planner::tco::PlanResult> StudyPage::plan_for_export() const {
  if (!plan_ || !study_) return std::nullopt;
  if (study_->monte_carlo_samples == 0 || plan_->monte_carlo) return plan_;
  StudyOutcome full = evaluate_study_what_if(*study_, shown_, -1, capacity_.get());
  if (!full.plan) return plan_;
  mark_what_if(*full.plan);
  return full.plan;
}

void StudyPage::show_outcome(const StudyOutcome& outcome, bool is_baseline, const StudyWhatIf& w) {
  panel_->show_problems(outcome.problems);
  if (!outcome.plan) {
    plan_.reset();
    view_->clear(QStringLiteral("this what-if cannot be planned (see the panel)"));
    emit status(QStringLiteral("Not planned: %1").arg(QString::fromStdString(outcome.problems.front())));
    return;
  }
  if (is_baseline) baseline_ = outcome.plan;
  shown_ = w;
  plan_ = outcome.plan;
  const std::vector<std::string> changed = changes();
  mark_what_if(*plan_);
  view_->set_plan(*plan_, is_baseline || !baseline_ ? nullptr : &*baseline_);
  emit status(QStringLiteral("Planned %1 options in %2%3")
                  .arg(plan_->options.size())
                  .arg(QString::fromStdString(units::format_time(outcome.elapsed_s)))
                  .arg(changed.empty() ? QStringLiteral(" (the file's values)")
                                       : QStringLiteral(", %1 input(s) changed").arg(changed.size())));
  emit planned();
}

}  // namespace capsim::gui
