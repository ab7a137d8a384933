#include "gui/main_window.hpp"

#include <qcustomplot.h>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <fstream>
#include <nlohmann/json.hpp>

#include "gui/breakdown_chart.hpp"
#include "gui/headline_bar.hpp"
#include "gui/memory_chart.hpp"
#include "gui/scenario_panel.hpp"
#include "gui/summary_table_model.hpp"
#include "tests/gui/gui_test_main.hpp"

namespace capsim::gui::test {

namespace {

const QString kScenario = QStringLiteral(CAPSIM_GUI_TEST_FIXTURES "/llama3_70b_pretrain.json");

/// The value the summary table shows for `label` ("" if absent).
QString summary_value(const SummaryTableModel& model, const QString& label) {
  for (int row = 0; row < model.rowCount(); ++row) {
    if (model.data(model.index(row, SummaryTableModel::metric_column)).toString() == label) {
      return model.data(model.index(row, SummaryTableModel::value_column)).toString();
    }
  }
  return {};
}

QSpinBox* spin(MainWindow& window, const char* name) {
  return window.scenario_panel()->findChild<QSpinBox*>(QString::fromLatin1(name));
}

QComboBox* combo(MainWindow& window, const char* name) {
  return window.scenario_panel()->findChild<QComboBox*>(QString::fromLatin1(name));
}

}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT

 private slots:
  void opening_a_scenario_fills_every_panel() {
    MainWindow window;
    QVERIFY(window.open_scenario(kScenario));
    QVERIFY(window.summary_model()->rowCount() >= 5);
    QVERIFY(!summary_value(*window.summary_model(), QStringLiteral("Step time")).isEmpty());
    QVERIFY(window.headline_bar()->value_of(QStringLiteral("MFU")).endsWith(QLatin1Char('%')));
    QVERIFY(window.breakdown_chart()->bar_count() >= 3);
    QCOMPARE(window.breakdown_chart()->series().labels.front(), std::string("Compute"));
    QVERIFY(window.memory_chart()->series().total > 0);
    QCOMPARE(window.memory_chart()->plot()->plottableCount(), 5);
    QVERIFY(window.scenario_panel()->problem_text().isEmpty());
    QCOMPARE(spin(window, "tp")->value(), 8);
  }

  void changing_tp_reruns_and_updates_the_chart_and_summary() {
    MainWindow window;
    QAbstractItemModelTester tester(window.summary_model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(window.open_scenario(kScenario));
    const QString step_before = summary_value(*window.summary_model(), QStringLiteral("Step time"));
    const double total_before = window.breakdown_chart()->series().total;
    QCOMPARE(summary_value(*window.summary_model(), QStringLiteral("GPUs")), QStringLiteral("1024"));

    spin(window, "tp")->setValue(4);

    QCOMPARE(summary_value(*window.summary_model(), QStringLiteral("GPUs")), QStringLiteral("512"));
    QVERIFY(summary_value(*window.summary_model(), QStringLiteral("Step time")) != step_before);
    QVERIFY(window.breakdown_chart()->series().total != total_before);
    QCOMPARE(window.headline_bar()->value_of(QStringLiteral("Step time")),
             summary_value(*window.summary_model(), QStringLiteral("Step time")));
    QVERIFY(window.scenario_panel()->problem_text().isEmpty());
  }

  void an_invalid_tp_shows_red_text_instead_of_crashing() {
    MainWindow window;
    QVERIFY(window.open_scenario(kScenario));
    spin(window, "tp")->setValue(6);
    QVERIFY(window.scenario_panel()->problem_text().contains(QStringLiteral("does not divide heads")));
    QCOMPARE(window.summary_model()->rowCount(), 0);
    QCOMPARE(window.breakdown_chart()->bar_count(), 0);
    spin(window, "tp")->setValue(8);  // back to a valid layout: the error goes, the charts come back
    QVERIFY(window.scenario_panel()->problem_text().isEmpty());
    QVERIFY(window.summary_model()->rowCount() > 0);
  }

  void reset_and_reload_restore_the_file_values() {
    MainWindow window;
    QVERIFY(window.open_scenario(kScenario));
    spin(window, "pp")->setValue(8);
    QVERIFY(window.reload());
    QCOMPARE(spin(window, "pp")->value(), 4);
    spin(window, "dp")->setValue(16);
    QCOMPARE(summary_value(*window.summary_model(), QStringLiteral("GPUs")), QStringLiteral("512"));
    window.scenario_panel()->findChild<QPushButton*>(QStringLiteral("reset"))->click();
    QCOMPARE(spin(window, "dp")->value(), 32);
    QCOMPARE(summary_value(*window.summary_model(), QStringLiteral("GPUs")), QStringLiteral("1024"));
  }

  void the_power_cap_and_hardware_figures_rerun_and_restore() {
    MainWindow window;
    QVERIFY(window.open_scenario(kScenario));
    QSpinBox* cap = spin(window, "gpu_power_cap");
    QComboBox* figures = combo(window, "hardware_figures");
    QVERIFY(cap != nullptr && figures != nullptr);
    QCOMPARE(cap->value(), 0);
    QCOMPARE(cap->text(), QStringLiteral("none"));
    QCOMPARE(cap->maximum(), 700);  // the H100's TDP
    QVERIFY(cap->toolTip().contains(QStringLiteral("idle draw")));
    QVERIFY(figures->isEnabled());
    QCOMPARE(figures->currentText(), QStringLiteral("catalog"));
    const QString step = window.headline_bar()->value_of(QStringLiteral("Step time"));

    cap->setValue(400);
    QVERIFY(window.scenario_panel()->problem_text().isEmpty());
    QVERIFY(window.headline_bar()->value_of(QStringLiteral("Step time")) != step);
    cap->setValue(50);  // not above the idle draw: red text, as the loader words it
    QVERIFY(window.scenario_panel()->problem_text().contains(QStringLiteral("idle draw")));
    cap->setValue(0);
    QCOMPARE(window.headline_bar()->value_of(QStringLiteral("Step time")), step);

    // The H100's catalog entry carries its built-in profile's fitted figures, so applying the profile keeps the
    // step time (it only changes idle power, which the profile read with a CUDA context open).
    figures->setCurrentIndex(figures->findText(QStringLiteral("measured profile")));
    QVERIFY(window.scenario_panel()->problem_text().isEmpty());
    QCOMPARE(window.headline_bar()->value_of(QStringLiteral("Step time")), step);
    cap->setValue(400);
    QVERIFY(window.headline_bar()->value_of(QStringLiteral("Step time")) != step);
    window.scenario_panel()->findChild<QPushButton*>(QStringLiteral("reset"))->click();
    QCOMPARE(figures->currentText(), QStringLiteral("catalog"));
    QCOMPARE(window.headline_bar()->value_of(QStringLiteral("Step time")), step);
  }

  void hardware_figures_are_disabled_without_a_profile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    std::ifstream in(CAPSIM_GUI_TEST_FIXTURES "/llama3_70b_pretrain.json");
    nlohmann::json doc = nlohmann::json::parse(in);
    doc["cluster"]["gpu"] = "a100-sxm4-80gb";
    doc["workloads"].erase(1);  // the chat replicas run FP8, which the A100 lacks
    const QString path = dir.filePath(QStringLiteral("a100.json"));
    std::ofstream(path.toStdString()) << doc.dump(2);
    MainWindow window;
    QVERIFY(window.open_scenario(path));
    QComboBox* figures = combo(window, "hardware_figures");
    QVERIFY(!figures->isEnabled());
    QCOMPARE(figures->currentText(), QStringLiteral("catalog"));
    QVERIFY(figures->toolTip().contains(QStringLiteral("no measured profile for the a100-sxm4-80gb")));
    // Stepping up from "none" skips the caps at or below the idle draw; stepping back down returns to "none".
    QSpinBox* a100_cap = spin(window, "gpu_power_cap");
    a100_cap->stepBy(1);
    QCOMPARE(a100_cap->value(), 75);  // the first 25 W step above the A100's 60 W idle draw
    a100_cap->stepBy(-1);
    QCOMPARE(a100_cap->value(), 0);
    QCOMPARE(spin(window, "gpu_power_cap")->maximum(), 400);  // the A100 SXM's TDP
    QVERIFY(spin(window, "gpu_power_cap")->isEnabled());
  }

  void a_bad_scenario_file_shows_its_json_path() {
    MainWindow window;
    QVERIFY(!window.open_scenario(QStringLiteral(CAPSIM_GUI_TEST_FIXTURES "/tp_not_dividing_heads.json")));
    QVERIFY(window.scenario_panel()->problem_text().contains(QStringLiteral("/workloads/0/parallelism/tp")));
    QVERIFY(!window.open_scenario(QStringLiteral(CAPSIM_GUI_TEST_FIXTURES "/no_such_file.json")));
    QVERIFY(!window.scenario_panel()->problem_text().isEmpty());
    QCOMPARE(window.summary_model()->rowCount(), 0);
  }

  void renders_the_window_and_the_breakdown_to_png() {
    MainWindow window;
    QVERIFY(window.open_scenario(kScenario));
    window.resize(1440, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QString window_png = QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/capsim-gui-main-window.png");
    QVERIFY(window.grab().save(window_png, "PNG"));
    const QImage image(window_png);
    QCOMPARE(image.size(), QSize(1440, 900));

    const QString breakdown_png = QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/capsim-gui-breakdown.png");
    QVERIFY(window.breakdown_chart()->save_png(breakdown_png, 1200, 600));
    QVERIFY(QFileInfo(breakdown_png).size() > 0);

    // A power cap with the measured profile, so a person can check the new editors.
    spin(window, "gpu_power_cap")->setValue(450);
    combo(window, "hardware_figures")->setCurrentIndex(1);
    QVERIFY(window.grab().save(QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/capsim-gui-power-cap.png"), "PNG"));
    window.scenario_panel()->findChild<QPushButton*>(QStringLiteral("reset"))->click();

    // The invalid-layout state, so a person can check the red text reads well.
    spin(window, "tp")->setValue(6);
    QVERIFY(window.scenario_panel()->findChild<QLabel*>(QStringLiteral("problems"))->isVisible());
    QVERIFY(window.grab().save(QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/capsim-gui-invalid-layout.png"), "PNG"));
  }
};

int run_main_window_tests(int argc, char** argv) {
  MainWindowTest tests;
  return QTest::qExec(&tests, argc, argv);
}

}  // namespace capsim::gui::test

#include "main_window_test.moc"
