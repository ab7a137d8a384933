// The runs and results side of MainWindow (main_window.hpp): serving, fleet and search runs, the compare candidates
// and pins, and opening a search's chosen configuration.

#include <QStatusBar>
#include <filesystem>
#include <thread>

#include "gui/background_runner.hpp"
#include "gui/compare_view.hpp"
#include "gui/document_tree_model.hpp"
#include "gui/fleet_view.hpp"
#include "gui/main_window.hpp"
#include "gui/search_choice.hpp"
#include "gui/search_view.hpp"
#include "gui/serving_view.hpp"
#include "gui/study_page.hpp"
#include "gui/training_page.hpp"
#include "planner/fleet_scenario.hpp"
#include "planner/run.hpp"
#include "planner/search/design_search.hpp"
#include "planner/search/search_space.hpp"
#include "sim/core/error.hpp"

namespace capsim::gui {

namespace {

/// A delivery that shows why a background run gave no result ("Not run: ...") in the status bar.
BackgroundRunner::Delivery say_why(QMainWindow* window, const QString& prefix, const QString& why) {
  return [window, text = prefix + why] { window->statusBar()->showMessage(text); };  // on the GUI thread
}

/// The first problem, for a status line.
QString first_problem(const OpenDocument& d) {
  return d.problems.empty() ? QString() : QString::fromStdString(d.problems.front());
}

}  // namespace

void MainWindow::run_serving(int i) {
  const OpenDocument& d = docs_->document(i);
  serving_->clear();
  if (!d.scenario) {
    statusBar()->showMessage(first_problem(d));
    return;
  }
  auto scenario = d.scenario;
  runner_->run(QStringLiteral("Serving %1").arg(QString::fromStdString(scenario->name)),
               [this, scenario, i]() -> BackgroundRunner::Delivery {
                 try {
                   auto result = std::make_shared<planner::ScenarioResult>(planner::run_scenario(*scenario));
                   return [this, scenario, result, i] {
                     serving_results_ = result->inference;
                     serving_->set_results(*scenario, result->inference);
                     remember_result(i);
                     statusBar()->showMessage(QStringLiteral("Served %1 workload(s)").arg(result->inference.size()));
                   };
                 } catch (const Error& e) {
                   return say_why(this, QStringLiteral("Not run: "), QString::fromUtf8(e.what()));
                 }
               });
}

void MainWindow::run_fleet(int i) {
  const OpenDocument& d = docs_->document(i);
  fleet_->clear();
  if (!d.scenario) {
    statusBar()->showMessage(first_problem(d));
    return;
  }
  auto scenario = d.scenario;
  runner_->run(QStringLiteral("Fleet %1").arg(QString::fromStdString(scenario->name)),
               [this, scenario]() -> BackgroundRunner::Delivery {
                 try {
                   const planner::PreparedFleet prepared = planner::prepare_fleet(*scenario);
                   auto result = std::make_shared<fleet::FleetResult>(planner::run_fleet_scenario(prepared));
                   return [this, scenario, result] {
                     fleet_->set_result(*scenario, *result);
                     statusBar()->showMessage(QStringLiteral("Simulated the fleet"));
                   };
                 } catch (const Error& e) {
                   return say_why(this, QStringLiteral("Not run: "), QString::fromUtf8(e.what()));
                 }
               });
}

void MainWindow::run_search(int i) {
  const OpenDocument& d = docs_->document(i);
  search_->clear();
  const std::string text = d.text, path = d.path;
  runner_->run(QStringLiteral("Searching %1").arg(QString::fromStdString(d.name)),
               [this, text, path]() -> BackgroundRunner::Delivery {
                 try {
                   planner::search::SearchSpec spec;
                   auto scenario = std::make_shared<planner::Scenario>(
                       planner::search::load_search_scenario(text, path, spec));
                   auto problem = std::make_shared<planner::search::SearchProblem>(
                       planner::search::make_search_problem(*scenario, spec));
                   planner::search::RunSettings settings;
                   settings.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
                   auto tally = std::make_shared<planner::search::SearchTally>(
                       planner::search::run_search(*problem, settings));
                   tally->sort_pareto();
                   return [this, scenario, problem, tally] {
                     search_->set_result(*scenario, *problem, *tally);
                     statusBar()->showMessage(QStringLiteral("Searched: click a point of the front for its details"));
                   };
                 } catch (const InputError& e) {
                   return say_why(this, QStringLiteral("Not searched: "),
                                  QString::fromStdString(e.diagnostics().front().to_string()));
                 } catch (const Error& e) {
                   return say_why(this, QStringLiteral("Not searched: "), QString::fromUtf8(e.what()));
                 }
               });
}

std::optional<Snapshot> MainWindow::current_snapshot(const std::string& label) const {
  if (current_ < 0) return std::nullopt;
  const OpenDocument& d = docs_->document(current_);
  switch (d.kind) {
    case DocumentKind::study:
      if (study_->plan()) {
        Snapshot s = snapshot_of(label, *study_->plan());
        return s;
      }
      return std::nullopt;
    case DocumentKind::training:
      if (training_->result()) return snapshot_of(label, d.path, *training_->result());
      return std::nullopt;
    case DocumentKind::serving:
      if (!serving_results_.empty()) return snapshot_of(label, d.path, serving_results_);
      return std::nullopt;
    default: return std::nullopt;
  }
}

void MainWindow::remember_result(int i) {
  if (i < 0 || i != current_) return;
  const OpenDocument& d = docs_->document(i);
  // A what-if result is not the file's result: only the file's values are remembered (pins keep what-ifs).
  if (d.kind == DocumentKind::study && !study_->changes().empty()) {
    if (study_->baseline()) results_[d.path] = snapshot_of(d.name, *study_->baseline());
  } else if (d.kind == DocumentKind::training && !training_->at_file_values()) {
    return;  // a training what-if: the file's own result stays the candidate (Pin keeps the what-if)
  } else if (auto s = current_snapshot(d.name)) {
    results_[d.path] = *s;
  }
  refresh_compare();
}

void MainWindow::refresh_compare() {
  std::vector<Snapshot> all;
  for (const auto& [path, s] : results_) all.push_back(s);
  for (const Snapshot& s : pinned_) all.push_back(s);
  compare_->set_candidates(std::move(all));
}

void MainWindow::pin_current() {
  const OpenDocument* d = current_document();
  if (!d) return;
  std::string label = d->name;
  if (d->kind == DocumentKind::study) {
    const std::vector<std::string> changed = study_->changes();
    if (!changed.empty()) {
      label += " (";
      for (std::size_t k = 0; k < changed.size(); ++k) label += (k ? "; " : "") + changed[k];
      label += ")";
    }
  } else {
    label += " (pinned " + std::to_string(pinned_.size() + 1) + ")";
  }
  const std::optional<Snapshot> s = current_snapshot(label);
  if (!s) {
    statusBar()->showMessage(QStringLiteral("Nothing to pin yet: the run has not finished"));
    return;
  }
  for (const Snapshot& p : pinned_)
    if (p.label == s->label) return;
  pinned_.push_back(*s);
  refresh_compare();
  statusBar()->showMessage(QStringLiteral("Pinned %1 for comparison").arg(QString::fromStdString(label)));
}

void MainWindow::compare_with_file() {
  const OpenDocument* d = current_document();
  if (!d) return;
  wait_idle();
  if (d->kind == DocumentKind::study && study_->changes().empty()) {
    show_tab(compare_tab);
    statusBar()->showMessage(QStringLiteral("Every input is at the file's value: change one in the what-if panel, "
                                            "then compare again"));
    return;
  }
  pin_current();  // refreshes the candidates when it pins
  // Tick the file's own result and the newest pin.
  const std::vector<Snapshot>& all = compare_->candidates();
  std::vector<int> which;
  for (std::size_t k = 0; k < all.size(); ++k)
    if (all[k].label == d->name && all[k].source == d->path) which.push_back(static_cast<int>(k));
  if (!pinned_.empty()) {
    for (std::size_t k = 0; k < all.size(); ++k)
      if (all[k].label == pinned_.back().label && static_cast<int>(k) != (which.empty() ? -1 : which.front()))
        which.push_back(static_cast<int>(k));
  }
  compare_->set_compared(which);
  show_tab(compare_tab);
}

bool MainWindow::open_search_choice(const SearchChoice& choice) {
  const OpenDocument* search = current_document();
  if (!search || search->kind != DocumentKind::search || choice.pareto_index < 0) return false;
  OpenDocument d;
  const std::filesystem::path from(search->path);
  const std::string stem = from.stem().string() + "-choice-" + std::to_string(choice.pareto_index + 1);
  std::filesystem::path path = from.parent_path() / (stem + ".json");
  for (int k = 2; std::filesystem::exists(path) || docs_->find(path.string()) >= 0; ++k)
    path = from.parent_path() / (stem + "-" + std::to_string(k) + ".json");
  try {
    d.text = chosen_scenario_text(search->text, choice.configuration, choice.workload_pointer,
                                  search->name + ", choice " + std::to_string(choice.pareto_index + 1));
  } catch (const InputError& e) {
    last_error_ = QString::fromStdString(e.diagnostics().front().to_string());
    statusBar()->showMessage(QStringLiteral("Cannot open the configuration: ") + last_error_);
    return false;
  }
  d.path = path.string();  // not written until saved: the tree marks it edited, and autosave keeps it
  load_document(d);
  const int i = docs_->add(std::move(d));
  current_ = -1;
  select_document(i);
  editor_changed();  // autosaved at once, like any edit
  statusBar()->showMessage(QStringLiteral("Opened the chosen configuration as %1 (not saved yet)")
                               .arg(QString::fromStdString(path.filename().string())));
  return true;
}

}  // namespace capsim::gui
