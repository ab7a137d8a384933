/// @file planner_desk_test.cpp
/// The planner's desk as a planner meets it: open an example study, change three inputs, compare with the file,
/// export a PDF; the tree of open files; the comparison table; autosave and recovery after a crash; files that
/// cannot be opened; the keyboard.

#include <qcustomplot.h>

#include <QAbstractItemModelTester>
#include <QDoubleSpinBox>
#include <QSpinBox>
#include <QFile>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QTreeView>
#include <fstream>
#include <sstream>

#include "gui/autosave_store.hpp"
#include "gui/background_runner.hpp"
#include "gui/compare_model.hpp"
#include "gui/compare_view.hpp"
#include "gui/document_tree_model.hpp"
#include "gui/main_window.hpp"
#include "gui/pipeline_timeline.hpp"
#include "gui/scenario_panel.hpp"
#include "gui/search_view.hpp"
#include "gui/training_page.hpp"
#include "gui/study_page.hpp"
#include "gui/study_panel.hpp"
#include "tests/gui/gui_test_main.hpp"

namespace capsim::gui::test {

namespace {

const QString kStudy = QStringLiteral(CAPSIM_GUI_TEST_SCENARIOS "/studies/70b-pretrain.json");
const QString kScenario = QStringLiteral(CAPSIM_GUI_TEST_SCENARIOS "/examples/default.json");

QByteArray read_all(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// The comparison row labelled `label`, or -1.
int compare_row(const CompareModel& model, const std::string& label) {
  for (std::size_t r = 0; r < model.rows().size(); ++r)
    if (model.rows()[r].label == label) return static_cast<int>(r);
  return -1;
}

}  // namespace

class PlannerDeskTest : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    autosave_ = std::make_unique<QTemporaryDir>();
    QVERIFY(autosave_->isValid());
  }

  /// The acceptance path: open an example study, change three inputs, compare with the original, export a PDF.
  void open_change_three_inputs_compare_and_export_a_pdf() {
    MainWindow window(nullptr, autosave_->path());
    QVERIFY(window.open_file(kStudy));
    QVERIFY(window.wait_idle());
    StudyPage* page = window.study_page();
    QVERIFY(page->plan().has_value());
    const planner::tco::PlanResult file_plan = *page->plan();
    QVERIFY(file_plan.options.size() >= 3);

    StudyPanel* panel = page->panel();
    auto* electricity = panel->findChild<QDoubleSpinBox*>(QStringLiteral("electricity"));
    auto* cloud = panel->findChild<QDoubleSpinBox*>(QStringLiteral("cloud_price"));
    auto* discount = panel->findChild<QDoubleSpinBox*>(QStringLiteral("discount_rate"));
    QVERIFY(electricity && cloud && discount);
    electricity->setValue(electricity->value() * 2);
    cloud->setValue(0.8);
    discount->setValue(discount->value() + 4);
    panel->apply_now();
    QVERIFY(window.wait_idle());
    QVERIFY(page->plan().has_value());
    QCOMPARE(page->changes().size(), std::size_t{3});
    QVERIFY(page->plan()->options.front().npv_usd != file_plan.options.front().npv_usd);

    window.compare_with_file();
    QCOMPARE(window.tabs()->currentIndex(), 2);
    CompareModel* model = window.compare_view()->model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto* candidates = window.compare_view()->findChild<QListWidget*>(QStringLiteral("compare_candidates"));
    QVERIFY(candidates);
    QAbstractItemModelTester candidates_tester(candidates->model(),
                                               QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(candidates->count(), 2);  // the file's plan and the pinned what-if
    QCOMPARE(model->columnCount(), 2);
    const std::string first_option = file_plan.options.front().name + ": NPV";
    const int row = compare_row(*model, first_option);
    QVERIFY(row >= 0);
    const auto& cells = model->rows()[static_cast<std::size_t>(row)].cells;
    QVERIFY(cells[0] && cells[1]);
    QCOMPARE(cells[0]->value, file_plan.options.front().npv_usd);  // the file's value is the reference
    QCOMPARE(cells[1]->value, page->plan()->options.front().npv_usd);
    QVERIFY(model->data(model->index(row, 1)).toString().contains(QLatin1Char('%')));  // the change is shown

    QTemporaryDir out;
    const QString pdf = out.path() + QStringLiteral("/what-if.pdf");
    QVERIFY2(window.export_report(pdf), qPrintable(window.last_error()));
    QVERIFY(read_all(pdf).startsWith("%PDF"));
    QVERIFY(!QFile::exists(pdf + QStringLiteral(".tmp")));
    // The exported plan says which what-if it shows.
    const QString html = out.path() + QStringLiteral("/what-if.html");
    QVERIFY(window.export_report(html));
    QVERIFY(read_all(html).contains("What-if against the file"));
    // A copy beside the test's PNGs, for a person to look at.
    QVERIFY(window.export_report(QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/capsim-gui-what-if.pdf")));
  }

  void the_tree_shows_open_studies_and_scenarios() {
    MainWindow window(nullptr, autosave_->path());
    DocumentTreeModel* docs = window.documents();
    QAbstractItemModelTester tester(docs, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(window.open_file(kStudy));
    QVERIFY(window.open_file(kScenario));
    QVERIFY(window.wait_idle());
    QCOMPARE(docs->count(), 2);
    const QModelIndex studies = docs->index(0, 0);
    const QModelIndex scenarios = docs->index(1, 0);
    QCOMPARE(docs->data(studies).toString(), QStringLiteral("Studies"));
    QCOMPARE(docs->rowCount(studies), 1);
    QCOMPARE(docs->rowCount(scenarios), 1);
    const QModelIndex study = docs->index(0, 0, studies);
    QCOMPARE(docs->data(study).toString(), QStringLiteral("70b-pretrain"));
    QCOMPARE(docs->rowCount(study), 4);  // its four options
    // Opening the same file again selects it rather than opening it twice.
    QVERIFY(window.open_file(kStudy));
    QCOMPARE(docs->count(), 2);
    QCOMPARE(window.current(), docs->find(docs->document(0).path));
    // Selecting the scenario in the tree shows its page.
    window.tree()->setCurrentIndex(docs->index(0, 0, scenarios));
    QCOMPARE(window.current(), 1);
  }

  void files_that_cannot_be_opened_say_why() {
    MainWindow window(nullptr, autosave_->path());
    QVERIFY(!window.open_file(QStringLiteral("/no/such/study.json")));
    QVERIFY(window.last_error().contains(QStringLiteral("no such file")));
    QVERIFY(!window.open_file(autosave_->path()));  // a folder
    QVERIFY(window.last_error().contains(QStringLiteral("directory")));
    QCOMPARE(window.documents()->count(), 0);
    // A file that reads but does not load opens with its problems, on the Edit tab.
    const QString bad = autosave_->path() + QStringLiteral("/bad-study.json");
    std::ofstream(bad.toStdString()) << R"({"schema": "capsim/study/v1", "name": "bad", "horizon_months": -3})";
    QVERIFY(!window.open_file(bad));
    QCOMPARE(window.documents()->count(), 1);
    QVERIFY(!window.documents()->document(0).problems.empty());
    QCOMPARE(window.tabs()->currentIndex(), 1);
    QVERIFY(window.last_error().contains(QStringLiteral("bad-study.json")));
  }

  /// Autosave writes every edit at once; a window destroyed without saving (as a killed app) leaves it behind, and
  /// the next window offers it back, unsaved until the planner saves.
  void an_edit_survives_a_crash_and_is_offered_back() {
    QTemporaryDir files;
    const QString path = files.path() + QStringLiteral("/scenario.json");
    QVERIFY(QFile::copy(kScenario, path));
    const QByteArray original = read_all(path);
    QString edited = QString::fromUtf8(original);
    edited.replace(QStringLiteral("\"nodes\": 128"), QStringLiteral("\"nodes\": 96"));
    QVERIFY(edited != QString::fromUtf8(original));
    {
      auto window = std::make_unique<MainWindow>(nullptr, autosave_->path());
      QVERIFY(window->open_file(path));
      window->edit_text(edited);
      QVERIFY(window->current_document()->dirty());
      // No save, no close event: the window is simply gone, as after a kill.
    }
    QCOMPARE(read_all(path), original);  // the user's file is untouched
    MainWindow after(nullptr, autosave_->path());
    const auto entries = after.recoverable();
    QCOMPARE(entries.size(), std::size_t{1});
    QCOMPARE(entries.front().text, edited);
    QCOMPARE(after.recover(entries), 1);
    QVERIFY(after.current_document()->dirty());
    QCOMPARE(QString::fromStdString(after.current_document()->text), edited);
    QVERIFY(after.save());
    QCOMPARE(read_all(path), edited.toUtf8());
    QVERIFY(after.recoverable().empty());  // saved: nothing left to offer
  }

  void a_run_can_be_cancelled_and_its_result_is_dropped() {
    BackgroundRunner runner;
    bool delivered = false;
    QSignalSpy finished(&runner, &BackgroundRunner::finished);
    runner.run(QStringLiteral("slow"), [&delivered]() -> BackgroundRunner::Delivery {
      QThread::msleep(200);
      return [&delivered] { delivered = true; };
    });
    QVERIFY(runner.busy());
    runner.cancel();
    QVERIFY(!runner.busy());
    QTest::qWait(400);
    QVERIFY(!delivered);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.front().front().toBool(), false);
  }

  /// The DES runs one step in the background (the engine forks its own child) and the page draws its pipeline.
  void the_des_pipeline_timeline_draws_every_stage() {
    MainWindow window(nullptr, autosave_->path());
    QVERIFY(window.open_file(QStringLiteral(CAPSIM_GUI_TEST_SCENARIOS "/examples/des-64-gpus.json")));
    QVERIFY(window.wait_idle());
    auto* run = window.training_page()->findChild<QPushButton*>(QStringLiteral("run_timeline"));
    QVERIFY(run);
    run->click();
    QVERIFY(window.runner()->busy());
    QVERIFY(window.wait_idle());
    PipelineTimeline* timeline = window.training_page()->timeline();
    QVERIFY(timeline->bar_count() > 0);
    const int pp = window.current_document()->scenario->workloads.empty()
                       ? 0
                       : std::get<workloads::TrainingJob>(window.current_document()->scenario->workloads.front()).parallelism.pp;
    QCOMPARE(timeline->plot()->yAxis->range().size(), 2.0 * pp + 0.2);  // a compute and a comm lane per stage
    std::string error;
    QVERIFY(!read_timeline(kStudy.toStdString(), &error));
    QVERIFY(QString::fromStdString(error).contains(QStringLiteral("not a Chrome trace")));
  }

  /// A point of a search's front opens as a scenario with that cluster and layout, ready to run and save.
  void a_search_choice_opens_as_a_scenario() {
    MainWindow window(nullptr, autosave_->path());
    QVERIFY(window.open_file(QStringLiteral(CAPSIM_GUI_TEST_SCENARIOS "/search/llama3-405b-gpu-choice.json")));
    QVERIFY(window.wait_idle());
    SearchView* search = window.search_view();
    auto* open = search->findChild<QPushButton*>(QStringLiteral("open_choice"));
    QVERIFY(open && !open->isEnabled());
    search->choose_point(0);
    QVERIFY(open->isEnabled());
    const SearchChoice choice = search->choice(0);
    open->click();
    QVERIFY(window.wait_idle());
    const OpenDocument* d = window.current_document();
    QVERIFY(d);
    QVERIFY2(d->problems.empty(), d->problems.empty() ? "" : d->problems.front().c_str());
    QCOMPARE(d->kind, DocumentKind::training);
    QVERIFY(d->dirty());
    QVERIFY(QString::fromStdString(d->path).endsWith(QStringLiteral("llama3-405b-gpu-choice-choice-1.json")));
    QCOMPARE(d->scenario->cluster.gpu.id, choice.configuration.at("gpu").get<std::string>());
    const auto& job = std::get<workloads::TrainingJob>(d->scenario->workloads.front());
    QCOMPARE(job.parallelism.tp, choice.candidate.tp);
    QCOMPARE(job.parallelism.pp, choice.candidate.pp);
    QCOMPARE(job.parallelism.dp, choice.candidate.dp);
    QVERIFY(!QFile::exists(QString::fromStdString(d->path)));  // nothing written until the planner saves
    QCOMPARE(window.recoverable().size(), std::size_t{1});     // but the autosave has it
  }

  /// A training what-if does not replace the file's result among the compare candidates; pinning keeps it beside.
  void a_training_what_if_is_pinned_beside_the_files_result() {
    MainWindow window(nullptr, autosave_->path());
    QVERIFY(window.open_file(kScenario));
    QVERIFY(window.wait_idle());
    QCOMPARE(window.compare_view()->candidates().size(), std::size_t{1});
    const Snapshot file = window.compare_view()->candidates().front();
    window.scenario_panel()->findChild<QSpinBox*>(QStringLiteral("tp"))->setValue(4);
    window.scenario_panel()->findChild<QSpinBox*>(QStringLiteral("dp"))->setValue(64);
    QVERIFY(window.wait_idle());
    QCOMPARE(window.compare_view()->candidates().size(), std::size_t{1});
    QCOMPARE(window.compare_view()->candidates().front().figures, file.figures);  // still the file's
    window.pin_current();
    QCOMPARE(window.compare_view()->candidates().size(), std::size_t{2});
    const CompareModel* model = window.compare_view()->model();
    const int row = compare_row(*model, "Step time");
    QVERIFY(row >= 0);
    const auto& cells = model->rows()[static_cast<std::size_t>(row)].cells;
    QVERIFY(cells[0] && cells[1] && cells[0]->value != cells[1]->value);
  }

  void keyboard_switches_tabs_and_moves_through_the_tree() {
    MainWindow window(nullptr, autosave_->path());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.open_file(kStudy));
    QVERIFY(window.open_file(kScenario));
    QVERIFY(window.wait_idle());
    QTest::keyClick(&window, Qt::Key_3, Qt::ControlModifier);
    QCOMPARE(window.tabs()->currentIndex(), 2);
    QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(window.tabs()->currentIndex(), 1);
    QTest::keyClick(&window, Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(window.tabs()->currentIndex(), 0);
    window.tree()->setFocus();
    const QModelIndex study = window.documents()->index_of(0);
    window.tree()->setCurrentIndex(study);
    QCOMPARE(window.current(), 0);
    // Down from the study moves to its first option (same document), then past its options to the scenario.
    for (int k = 0; k < 6 && window.current() != 1; ++k) QTest::keyClick(window.tree(), Qt::Key_Down);
    QCOMPARE(window.current(), 1);
  }

  void screenshots_of_a_study_and_a_scenario() {
    MainWindow window(nullptr, autosave_->path());
    window.setAttribute(Qt::WA_DontShowOnScreen);
    window.show();
    QVERIFY(window.open_file(kStudy));
    QVERIFY(window.wait_idle());
    const QString png = QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/capsim-gui-desk-study.png");
    QVERIFY(window.grab().save(png, "PNG"));
    auto* electricity = window.study_page()->panel()->findChild<QDoubleSpinBox*>(QStringLiteral("electricity"));
    electricity->setValue(0.15);
    window.study_page()->panel()->apply_now();
    QVERIFY(window.wait_idle());
    QVERIFY(window.grab().save(QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/capsim-gui-desk-what-if.png"), "PNG"));
    window.compare_with_file();
    QVERIFY(window.grab().save(QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/capsim-gui-desk-compare.png"), "PNG"));
    window.show_tab(1);
    QVERIFY(window.grab().save(QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/capsim-gui-desk-edit.png"), "PNG"));
    window.show_tab(0);
    QVERIFY(window.open_file(kScenario));
    QVERIFY(window.wait_idle());
    QVERIFY(window.grab().save(QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/capsim-gui-desk-training.png"), "PNG"));
  }

 private:
  std::unique_ptr<QTemporaryDir> autosave_;
};

int run_planner_desk_tests(int argc, char** argv) {
  PlannerDeskTest t;
  return QTest::qExec(&t, argc, argv);
}

}  // namespace capsim::gui::test

#include "planner_desk_test.moc"
