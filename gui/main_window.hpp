#pragma once
/// @file main_window.hpp
/// The capsim-gui main window, the planner's desk. Left, the tree of open studies and scenarios; right, three tabs:
/// Results (the page of the selected file's kind: the TCO comparison of a study, training, serving, fleet or search
/// results of a scenario), Edit (form and JSON of the file, checked as the CLI checks it) and Compare (two to four
/// results side by side). Runs go through one BackgroundRunner (progress bar and Cancel in the status bar); every
/// edit is autosaved at once and offered back after a crash.
///
/// The class is split in three files: main_window.cpp (layout, menus, pages, edits), main_window_runs.cpp
/// (serving, fleet and search runs, compare candidates and pins) and main_window_files.cpp (open, save, autosave and
/// recovery, recent files, export).

#include <QMainWindow>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gui/autosave_store.hpp"
#include "gui/compare_snapshot.hpp"
#include "gui/open_document.hpp"

class QLabel;
class QMenu;
class QProgressBar;
class QStackedWidget;
class QTabWidget;
class QTimer;
class QToolButton;
class QTreeView;

namespace capsim::gui {

class BackgroundRunner;
class BreakdownChart;
class CompareView;
class DocumentEditor;
class DocumentTreeModel;
class FleetView;
class HeadlineBar;
class MemoryChart;
class ScenarioPanel;
class SearchView;
struct SearchChoice;
class ServingView;
class StudyPage;
class SummaryTableModel;
class TrainingPage;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  /// `autosave_dir` "" = AutosaveStore::default_dir().
  explicit MainWindow(QWidget* parent = nullptr, const QString& autosave_dir = QString());
  ~MainWindow() override;

  // ---- files (main_window_files.cpp)
  /// Opens `path` (a study or a scenario), selects it and runs it. A file that reads but has problems opens with
  /// its problems shown (returns false); one that cannot be read is not opened (returns false, last_error() says
  /// why). Never throws for bad input.
  bool open_file(const QString& path);
  /// The old name, kept for the training tests.
  bool open_scenario(const QString& path) { return open_file(path); }
  /// Reads the selected file again from disk, dropping unsaved edits and what-ifs.
  bool reload();
  /// Writes the selected file's text to its path (atomically). Returns false and says why on failure.
  bool save();
  bool save_as(const QString& path);
  /// Writes the selected file's report to `path`, by suffix: .pdf, .html, .csv (the same report code as
  /// `capsim plan --out` for a study, `capsim run --out` for a scenario's HTML) or .png (the results page).
  bool export_report(const QString& path);
  /// Edits left behind by a crash, and taking them back (opens each file with the edited text, unsaved).
  std::vector<AutosaveStore::Entry> recoverable() const;
  int recover(const std::vector<AutosaveStore::Entry>& entries);
  void discard_recovery(const std::vector<AutosaveStore::Entry>& entries);
  /// Asks the user about recoverable edits (a dialog) when there are any.
  void offer_recovery();
  QString last_error() const { return last_error_; }

  // ---- what the window shows
  /// Document number shown (-1 = none) and selecting another.
  int current() const { return current_; }
  void select_document(int i);
  OpenDocument* current_document();
  /// Replaces the selected file's text as an edit would (editor, autosave, re-check, re-run).
  void edit_text(const QString& text);
  /// Adds the selected file's result as shown now (a what-if included) to the compare candidates.
  void pin_current();
  /// Pins the file's own result and the current what-if, and shows them side by side in Compare.
  void compare_with_file();
  /// Opens a configuration picked on the current search's front as a new scenario, unsaved, beside the search file
  /// ("<search>-choice-N.json"), and runs it. Returns false when there is no search or choice.
  bool open_search_choice(const SearchChoice& choice);
  /// Shows the Results, Edit or Compare tab.
  void show_tab(int tab);
  /// Processes events until no run is in flight (tests and --screenshot). False after `timeout_ms`.
  bool wait_idle(int timeout_ms = 120000);

  BackgroundRunner* runner() const { return runner_; }
  DocumentTreeModel* documents() const { return docs_; }
  QTreeView* tree() const { return tree_; }
  QTabWidget* tabs() const { return tabs_; }
  TrainingPage* training_page() const { return training_; }
  StudyPage* study_page() const { return study_; }
  ServingView* serving_view() const { return serving_; }
  FleetView* fleet_view() const { return fleet_; }
  SearchView* search_view() const { return search_; }
  CompareView* compare_view() const { return compare_; }
  DocumentEditor* editor() const { return editor_; }
  QProgressBar* progress() const { return progress_; }
  // The training page's panels (the training tests use them).
  ScenarioPanel* scenario_panel() const;
  HeadlineBar* headline_bar() const;
  SummaryTableModel* summary_model() const;
  BreakdownChart* breakdown_chart() const;
  MemoryChart* memory_chart() const;

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  enum Tab { results_tab = 0, edit_tab = 1, compare_tab = 2 };
  void build_menu();
  void build_status_bar();
  void attach_chart_menus(QWidget* page);
  /// Shows document `i` on its page and runs it.
  void show_document(int i);
  void run_serving(int i);
  void run_fleet(int i);
  void run_search(int i);
  /// The selected file's result as a comparison snapshot (none before its run lands).
  std::optional<Snapshot> current_snapshot(const std::string& label) const;
  /// Records the result of document `i` as a compare candidate.
  void remember_result(int i);
  void refresh_compare();
  void update_title();
  void editor_changed();
  void apply_edit();
  // files
  void open_dialog();
  void save_as_dialog();
  void export_dialog();
  void add_recent(const QString& path);
  void fill_recent_menu();
  bool write_document(OpenDocument& doc, const QString& path);

  BackgroundRunner* runner_ = nullptr;
  DocumentTreeModel* docs_ = nullptr;
  AutosaveStore autosave_;
  int current_ = -1;
  QString last_error_;
  std::map<std::string, Snapshot> results_;  ///< last result of each open file, by path
  std::vector<Snapshot> pinned_;
  /// Serving results and fleet runs of the selected file (exports need them).
  std::vector<sim::serving::InferenceResult> serving_results_;

  QTreeView* tree_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QStackedWidget* pages_ = nullptr;
  QLabel* welcome_ = nullptr;
  TrainingPage* training_ = nullptr;
  StudyPage* study_ = nullptr;
  ServingView* serving_ = nullptr;
  FleetView* fleet_ = nullptr;
  SearchView* search_ = nullptr;
  CompareView* compare_ = nullptr;
  DocumentEditor* editor_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QToolButton* cancel_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QTimer* edit_timer_ = nullptr;
};

}  // namespace capsim::gui
