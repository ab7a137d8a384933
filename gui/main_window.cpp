#include "gui/main_window.hpp"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QProgressBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <qcustomplot.h>
#include <filesystem>
#include <thread>

#include "gui/background_runner.hpp"
#include "gui/compare_view.hpp"
#include "gui/document_editor.hpp"
#include "gui/document_tree_model.hpp"
#include "gui/fleet_view.hpp"
#include "gui/search_choice.hpp"
#include "gui/search_view.hpp"
#include "gui/serving_load_curve.hpp"
#include "gui/serving_view.hpp"
#include "gui/study_page.hpp"
#include "gui/training_page.hpp"
#include "planner/fleet_scenario.hpp"
#include "planner/run.hpp"
#include "planner/search/design_search.hpp"
#include "planner/search/search_space.hpp"
#include "sim/core/error.hpp"

namespace capsim::gui {

MainWindow::MainWindow(QWidget* parent, const QString& autosave_dir)
    : QMainWindow(parent), autosave_(autosave_dir.isEmpty() ? AutosaveStore::default_dir() : autosave_dir) {
  setWindowTitle(QStringLiteral("CapSim"));
  setAcceptDrops(true);
  resize(1440, 900);
  runner_ = new BackgroundRunner(this);
  docs_ = new DocumentTreeModel(this);

  tree_ = new QTreeView;
  tree_->setObjectName(QStringLiteral("documents"));
  tree_->setAccessibleName(QStringLiteral("Open studies and scenarios"));
  tree_->setModel(docs_);
  tree_->setHeaderHidden(true);
  tree_->setMinimumWidth(160);
  tree_->expandAll();

  welcome_ = new QLabel(QStringLiteral(
      "<h2>CapSim</h2><p>Open a study (what to buy or rent, and what it costs) or a scenario (training, serving, "
      "a fleet of teams, a design search): File &gt; Open, a recent file, or drop a file here.</p>"
      "<p>Examples are in <code>scenarios/studies</code> and <code>scenarios/examples</code>.</p>"));
  welcome_->setAlignment(Qt::AlignCenter);
  welcome_->setWordWrap(true);
  training_ = new TrainingPage(runner_);
  study_ = new StudyPage(runner_);
  serving_ = new ServingView;
  fleet_ = new FleetView;
  search_ = new SearchView;
  pages_ = new QStackedWidget;
  for (QWidget* page : {static_cast<QWidget*>(welcome_), static_cast<QWidget*>(training_),
                        static_cast<QWidget*>(study_), static_cast<QWidget*>(serving_),
                        static_cast<QWidget*>(fleet_), static_cast<QWidget*>(search_)}) {
    pages_->addWidget(page);
  }
  editor_ = new DocumentEditor;
  compare_ = new CompareView;
  tabs_ = new QTabWidget;
  tabs_->setObjectName(QStringLiteral("main_tabs"));
  tabs_->addTab(pages_, QStringLiteral("&Results"));
  tabs_->addTab(editor_, QStringLiteral("&Edit"));
  tabs_->addTab(compare_, QStringLiteral("&Compare"));
  for (QWidget* page : {static_cast<QWidget*>(training_), static_cast<QWidget*>(study_),
                        static_cast<QWidget*>(serving_), static_cast<QWidget*>(fleet_),
                        static_cast<QWidget*>(search_), static_cast<QWidget*>(compare_)}) {
    attach_chart_menus(page);
  }

  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(tree_);
  split->addWidget(tabs_);
  split->setStretchFactor(1, 1);
  split->setSizes({190, 1250});
  split->setContentsMargins(6, 6, 6, 0);
  setCentralWidget(split);

  edit_timer_ = new QTimer(this);
  edit_timer_->setSingleShot(true);
  edit_timer_->setInterval(400);
  connect(edit_timer_, &QTimer::timeout, this, &MainWindow::apply_edit);

  build_menu();
  build_status_bar();
  connect(tree_->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& index) {
    const int i = docs_->document_at(index);
    if (i >= 0 && i != current_) select_document(i);
  });
  connect(docs_, &QAbstractItemModel::modelReset, tree_, &QTreeView::expandAll);
  connect(editor_, &DocumentEditor::changed, this, &MainWindow::editor_changed);
  connect(training_, &TrainingPage::status, this, [this](const QString& m) {
    statusBar()->showMessage(m);
    remember_result(current_);
  });
  connect(study_, &StudyPage::status, statusBar(), [this](const QString& m) { statusBar()->showMessage(m); });
  connect(study_, &StudyPage::planned, this, [this] { remember_result(current_); });
  connect(serving_, &ServingView::load_curve_wanted, this, [this](int w) {
    const OpenDocument* d = current_document();
    if (!d || !d->scenario) return;
    auto scenario = d->scenario;
    runner_->run(QStringLiteral("Load curve of %1").arg(QString::fromStdString(scenario->name)),
                 [this, scenario, w]() -> BackgroundRunner::Delivery {
                   try {
                     auto curve = std::make_shared<LoadCurve>(serving_load_curve(*scenario, w, default_rate_factors()));
                     return [this, w, curve] { serving_->set_load_curve(w, *curve); };
                   } catch (const Error& e) {
                     const QString why = QString::fromUtf8(e.what());
                     return [this, why] { statusBar()->showMessage(QStringLiteral("No load curve: ") + why); };
                   }
                 });
  });
  connect(search_, &SearchView::configuration_chosen, this, [this](const SearchChoice& choice) {
    statusBar()->showMessage(
        QStringLiteral("Configuration %1 of the front: \"Open as a scenario\" makes it a file to edit and run")
            .arg(choice.pareto_index + 1));
  });
  connect(search_, &SearchView::open_requested, this, &MainWindow::open_search_choice);
  pages_->setCurrentWidget(welcome_);
  statusBar()->showMessage(QStringLiteral("Open a study or a scenario (File > Open...)"));
}

MainWindow::~MainWindow() = default;

void MainWindow::build_status_bar() {
  progress_ = new QProgressBar;
  progress_->setObjectName(QStringLiteral("progress"));
  progress_->setMaximumWidth(220);
  progress_->setTextVisible(true);
  progress_->setRange(0, 0);  // busy: runs report no fraction
  progress_->hide();
  cancel_ = new QToolButton;
  cancel_->setObjectName(QStringLiteral("cancel"));
  cancel_->setText(QStringLiteral("Cancel"));
  cancel_->setToolTip(QStringLiteral("Stop the run in progress (Esc)"));
  cancel_->setShortcut(QKeySequence(Qt::Key_Escape));
  cancel_->hide();
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancel_);
  connect(cancel_, &QToolButton::clicked, runner_, &BackgroundRunner::cancel);
  connect(runner_, &BackgroundRunner::started, this, [this](const QString& what) {
    progress_->setFormat(what);
    progress_->setToolTip(what);
    progress_->show();
    cancel_->show();
    statusBar()->showMessage(what + QStringLiteral("..."));
  });
  connect(runner_, &BackgroundRunner::finished, this, [this](bool completed) {
    progress_->hide();
    cancel_->hide();
    if (!completed) statusBar()->showMessage(QStringLiteral("Cancelled"));
  });
}

void MainWindow::attach_chart_menus(QWidget* page) {
  for (QCustomPlot* plot : page->findChildren<QCustomPlot*>()) {
    plot->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(plot, &QWidget::customContextMenuRequested, this, [this, plot](const QPoint& at) {
      QMenu menu;
      menu.addAction(QStringLiteral("Copy chart as PNG"), this,
                     [plot] { QApplication::clipboard()->setImage(plot->toPixmap().toImage()); });
      menu.addAction(QStringLiteral("Save chart as PNG..."), this, [this, plot] {
        const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Save chart as PNG"),
                                                          QStringLiteral("chart.png"), QStringLiteral("PNG (*.png)"));
        if (!path.isEmpty() && !plot->savePng(path))
          statusBar()->showMessage(QStringLiteral("Could not write %1").arg(path));
      });
      menu.exec(plot->mapToGlobal(at));
    });
  }
}

void MainWindow::build_menu() {
  QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
  file->addAction(QStringLiteral("&Open..."), QKeySequence::Open, this, &MainWindow::open_dialog);
  recent_menu_ = file->addMenu(QStringLiteral("Open &Recent"));
  fill_recent_menu();
  file->addAction(QStringLiteral("&Save"), QKeySequence::Save, this, &MainWindow::save);
  file->addAction(QStringLiteral("Save &As..."), QKeySequence::SaveAs, this, &MainWindow::save_as_dialog);
  QAction* again = file->addAction(QStringLiteral("Re&load from disk"), this, &MainWindow::reload);
  again->setShortcuts({QKeySequence::Refresh, QKeySequence(QStringLiteral("Ctrl+R"))});
  file->addAction(QStringLiteral("&Export report..."), QKeySequence(QStringLiteral("Ctrl+E")), this,
                  &MainWindow::export_dialog);
  file->addAction(QStringLiteral("&Close file"), QKeySequence::Close, this, [this] {
    if (current_ < 0) return;
    autosave_.discard(QString::fromStdString(docs_->document(current_).path));
    results_.erase(docs_->document(current_).path);
    docs_->remove(current_);
    current_ = -1;
    select_document(docs_->count() - 1);
  });
  file->addSeparator();
  file->addAction(QStringLiteral("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  QMenu* compare = menuBar()->addMenu(QStringLiteral("&Compare"));
  compare->addAction(QStringLiteral("Compare with the &file's values"), QKeySequence(QStringLiteral("Ctrl+K")), this,
                     &MainWindow::compare_with_file);
  compare->addAction(QStringLiteral("&Pin current result"), QKeySequence(QStringLiteral("Ctrl+P")), this,
                     &MainWindow::pin_current);
  compare->addAction(QStringLiteral("&Show comparison"), this, [this] { show_tab(compare_tab); });

  QMenu* view = menuBar()->addMenu(QStringLiteral("&View"));
  view->addAction(QStringLiteral("&Results"), QKeySequence(QStringLiteral("Ctrl+1")), this,
                  [this] { show_tab(results_tab); });
  view->addAction(QStringLiteral("&Edit"), QKeySequence(QStringLiteral("Ctrl+2")), this,
                  [this] { show_tab(edit_tab); });
  view->addAction(QStringLiteral("&Compare"), QKeySequence(QStringLiteral("Ctrl+3")), this,
                  [this] { show_tab(compare_tab); });
}

void MainWindow::show_tab(int tab) { tabs_->setCurrentIndex(tab); }

bool MainWindow::wait_idle(int timeout_ms) {
  if (edit_timer_->isActive()) {
    edit_timer_->stop();
    apply_edit();
  }
  return runner_->wait_idle(timeout_ms);
}

OpenDocument* MainWindow::current_document() {
  return current_ >= 0 && current_ < docs_->count() ? &docs_->document(current_) : nullptr;
}

ScenarioPanel* MainWindow::scenario_panel() const { return training_->scenario_panel(); }
HeadlineBar* MainWindow::headline_bar() const { return training_->headline_bar(); }
SummaryTableModel* MainWindow::summary_model() const { return training_->summary_model(); }
BreakdownChart* MainWindow::breakdown_chart() const { return training_->breakdown_chart(); }
MemoryChart* MainWindow::memory_chart() const { return training_->memory_chart(); }

void MainWindow::select_document(int i) {
  if (i < 0 || i >= docs_->count()) {
    current_ = -1;
    pages_->setCurrentWidget(welcome_);
    editor_->set_text(QString(), QString());
    update_title();
    return;
  }
  if (edit_timer_->isActive()) {  // the previous file's pending edit is applied before leaving it
    edit_timer_->stop();
    apply_edit();
  }
  current_ = i;
  const OpenDocument& d = docs_->document(i);
  editor_->set_text(QString::fromStdString(d.text), QString::fromStdString(d.path));
  const QModelIndex index = docs_->index_of(i);
  if (tree_->currentIndex() != index) tree_->setCurrentIndex(index);
  show_document(i);
  update_title();
}

void MainWindow::update_title() {
  const OpenDocument* d = current_document();
  setWindowTitle(d ? QStringLiteral("CapSim - %1%2").arg(QString::fromStdString(d->name), d->dirty() ? "*" : "")
                   : QStringLiteral("CapSim"));
  setWindowModified(d && d->dirty());
}

void MainWindow::show_document(int i) {
  OpenDocument& d = docs_->document(i);
  const QString path = QString::fromStdString(d.path);
  if (runner_->busy()) runner_->cancel();
  switch (d.kind) {
    case DocumentKind::study:
      pages_->setCurrentWidget(study_);
      if (d.study) study_->set_study(d.study);
      else study_->show_file_problems(d.problems);
      break;
    case DocumentKind::training:
      pages_->setCurrentWidget(training_);
      if (d.scenario && d.hardware) training_->set_scenario(path, d.scenario, *d.hardware);
      else training_->show_file_problems(path, d.problems);
      break;
    case DocumentKind::serving:
      pages_->setCurrentWidget(serving_);
      run_serving(i);
      break;
    case DocumentKind::fleet:
      pages_->setCurrentWidget(fleet_);
      run_fleet(i);
      break;
    case DocumentKind::search:
      pages_->setCurrentWidget(search_);
      run_search(i);
      break;
  }
  if (!d.problems.empty()) {
    statusBar()->showMessage(QStringLiteral("%1 has %2 problem(s): see the Edit tab")
                                 .arg(QString::fromStdString(d.name))
                                 .arg(d.problems.size()));
  }
}

void MainWindow::editor_changed() {
  OpenDocument* d = current_document();
  if (!d) return;
  d->text = editor_->text().toStdString();
  QString why;
  if (!autosave_.save(QString::fromStdString(d->path), QString::fromStdString(d->text), &why))
    statusBar()->showMessage(QStringLiteral("Autosave failed: ") + why);
  update_title();
  edit_timer_->start();
}

void MainWindow::edit_text(const QString& text) {
  editor_->set_text(text, QString::fromStdString(current_document() ? current_document()->path : std::string()));
  editor_changed();
}

void MainWindow::apply_edit() {
  OpenDocument* d = current_document();
  if (!d) return;
  load_document(*d);
  docs_->refresh(current_);
  tree_->setCurrentIndex(docs_->index_of(current_));
  show_document(current_);
  update_title();
}

}  // namespace capsim::gui
