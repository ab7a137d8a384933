// The study (TCO) view: the Qt-free what-if layer against tco::plan_study, the option table under the item-model
// tester, the what-if panel's editors and tab order, and a 1440x900 render of the view for a person to look at.

#include <qcustomplot.h>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTableView>
#include <QTest>
#include <chrono>

#include "gui/option_table_model.hpp"
#include "gui/study_panel.hpp"
#include "gui/study_what_if.hpp"
#include "gui/tco_view.hpp"
#include "planner/tco/plan.hpp"
#include "sim/core/error.hpp"
#include "tests/gui/gui_test_main.hpp"

namespace capsim::gui::test {

namespace tco = planner::tco;

namespace {

const QString kStudies = QStringLiteral(CAPSIM_GUI_TEST_FIXTURES "/../../../scenarios/studies");

/// chat-growth: a growing chat service; on-demand and committed cloud, owned and hybrid options.
const tco::Study& chat_study() {
  static const tco::Study study = tco::load_study_file((kStudies + "/chat-growth.json").toStdString());
  return study;
}

const tco::PlanResult& chat_plan() {
  static const tco::PlanResult plan = *evaluate_study_what_if(chat_study(), study_what_if_of(chat_study())).plan;
  return plan;
}

const tco::OptionResult& option(const tco::PlanResult& plan, const std::string& name) {
  for (const tco::OptionResult& o : plan.options) {
    if (o.name == name) return o;
  }
  throw std::runtime_error("no option " + name);
}

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const std::string& p : problems) {
    if (p.find(text) != std::string::npos) return true;
  }
  return false;
}

tco::PlanResult planned(const StudyWhatIf& w) {
  StudyOutcome out = evaluate_study_what_if(chat_study(), w);
  if (!out.plan) throw std::runtime_error(out.problems.empty() ? "no plan" : out.problems.front());
  return *out.plan;
}

}  // namespace

class StudyViewTest : public QObject {
  Q_OBJECT

 private slots:
  void the_file_values_give_the_file_plan_and_no_changes() {
    const StudyWhatIf file = study_what_if_of(chat_study());
    QCOMPARE(file.gpu, std::string("h100-sxm5-80gb"));
    QCOMPARE(file.services_growth, 0.08);
    QCOMPARE(file.discount_rate, 0.10);
    QVERIFY(file.electricity_usd_per_kwh > 0);
    QVERIFY(file.depreciation_years > 0);
    QVERIFY(!file.nodes);
    QVERIFY(study_what_if_changes(file, file).empty());
    const tco::PlanResult direct = tco::plan_study(chat_study(), 0);
    QCOMPARE(chat_plan().options.size(), direct.options.size());
    for (std::size_t i = 0; i < direct.options.size(); ++i) {
      QCOMPARE(chat_plan().options[i].npv_usd, direct.options[i].npv_usd);
    }
  }

  void changes_read_as_short_texts() {
    const StudyWhatIf file = study_what_if_of(chat_study());
    StudyWhatIf w = file;
    w.electricity_usd_per_kwh = 0.12;
    w.nodes = 16;
    const std::vector<std::string> changes = study_what_if_changes(file, w);
    QCOMPARE(changes.size(), std::size_t{2});
    qInfo("%s; %s", changes[0].c_str(), changes[1].c_str());
    QVERIFY(mentions(changes, "electricity $0.0826/kWh -> $0.120/kWh"));
    QVERIFY(mentions(changes, "sized to demand -> 16"));
  }

  void doubling_electricity_raises_owning_but_not_renting() {
    StudyWhatIf w = study_what_if_of(chat_study());
    w.electricity_usd_per_kwh *= 2;
    const tco::PlanResult after = planned(w);
    QVERIFY(option(after, "own").total_cost_usd > option(chat_plan(), "own").total_cost_usd);
    QVERIFY(option(after, "hybrid").total_cost_usd > option(chat_plan(), "hybrid").total_cost_usd);
    QCOMPARE(option(after, "aws-on-demand").total_cost_usd, option(chat_plan(), "aws-on-demand").total_cost_usd);
    QCOMPARE(option(after, "coreweave-3y").total_cost_usd, option(chat_plan(), "coreweave-3y").total_cost_usd);
  }

  void halving_cloud_prices_lowers_renting_but_not_owning() {
    StudyWhatIf w = study_what_if_of(chat_study());
    w.cloud_price_factor = 0.5;
    const tco::PlanResult after = planned(w);
    for (const char* name : {"aws-on-demand", "coreweave-3y"}) {
      QVERIFY(option(after, name).total_cost_usd < 0.6 * option(chat_plan(), name).total_cost_usd);
    }
    QCOMPARE(option(after, "own").total_cost_usd, option(chat_plan(), "own").total_cost_usd);
  }

  void a_fixed_fleet_of_nodes_sets_the_owned_gpus() {
    StudyWhatIf w = study_what_if_of(chat_study());
    w.nodes = 3;
    tco::Study study = chat_study();
    QVERIFY(apply_study_what_if(study, study_what_if_of(chat_study()), w).empty());
    QCOMPARE(study.options[2].on_prem.gpus.value_or(0), 24);
    QCOMPARE(study.options[3].on_prem.gpus.value_or(0), 24);
    QVERIFY(!study.options[3].on_prem.base_percentile);
  }

  void a_new_gpu_type_switches_the_cloud_instances_same_provider_first() {
    StudyWhatIf w = study_what_if_of(chat_study());
    w.gpu = "h200-sxm-141gb";
    tco::Study study = chat_study();
    QVERIFY(apply_study_what_if(study, study_what_if_of(chat_study()), w).empty());
    QCOMPARE(study.options[0].cloud.instance, std::string("aws-p5en.48xlarge"));
    QCOMPARE(study.options[1].cloud.instance, std::string("coreweave-hgx-h200"));
    QCOMPARE(study.options[2].on_prem.gpu, std::string("h200-sxm-141gb"));
    QCOMPARE(study.options[3].cloud.instance, std::string("coreweave-hgx-h200"));
    const StudyOutcome out = evaluate_study_what_if(chat_study(), w);
    QVERIFY2(out.plan.has_value(), out.problems.empty() ? "" : out.problems.front().c_str());
    QCOMPARE(option(*out.plan, "aws-on-demand").gpu, std::string("h200-sxm-141gb"));
  }

  void a_gpu_the_book_cannot_rent_is_a_problem_not_a_crash() {
    StudyWhatIf w = study_what_if_of(chat_study());
    w.gpu = "mi325x";  // owned servers priced, no cloud instance
    const StudyOutcome out = evaluate_study_what_if(chat_study(), w);
    QVERIFY(!out.plan);
    QVERIFY(mentions(out.problems, "no cloud instance in the price book has GPU mi325x"));
    w.gpu = "no-such-gpu";
    QVERIFY(mentions(evaluate_study_what_if(chat_study(), w).problems, "not in the GPU catalog"));
    w = study_what_if_of(chat_study());
    w.discount_rate = 1.5;
    w.oversubscription = 0.5;
    const StudyOutcome bad = evaluate_study_what_if(chat_study(), w);
    QVERIFY(!bad.plan);
    QCOMPARE(bad.problems.size(), std::size_t{2});
  }

  void reused_shapes_give_the_same_plan_and_only_gpu_or_fabric_simulate_again() {
    StudyCapacityCache cache;
    StudyWhatIf w = study_what_if_of(chat_study());
    w.electricity_usd_per_kwh = 0.15;
    w.cloud_price_factor = 1.3;
    w.services_growth = 0.05;
    w.nodes = 6;
    const tco::PlanResult fresh = planned(w);
    QVERIFY(evaluate_study_what_if(chat_study(), study_what_if_of(chat_study()), 0, &cache).plan.has_value());
    const StudyOutcome reused = evaluate_study_what_if(chat_study(), w, 0, &cache);
    QVERIFY(reused.plan.has_value());
    QCOMPARE(cache.misses(), 1);
    for (std::size_t i = 0; i < fresh.options.size(); ++i) {
      QCOMPARE(reused.plan->options[i].npv_usd, fresh.options[i].npv_usd);
      QCOMPARE(reused.plan->sensitivity.front().low_total_usd[i], fresh.sensitivity.front().low_total_usd[i]);
    }
    w.oversubscription = 2;
    QVERIFY(evaluate_study_what_if(chat_study(), w, 0, &cache).plan.has_value());
    QCOMPARE(cache.misses(), 2);
    w.gpu = "mi325x";  // a problem before any simulation: nothing cached
    QVERIFY(!evaluate_study_what_if(chat_study(), w, 0, &cache).plan);
    QCOMPARE(cache.size(), std::size_t{2});
  }

  void the_option_table_passes_the_item_model_tester() {
    OptionTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_plan(chat_plan(), nullptr);
    QCOMPARE(model.rowCount(), static_cast<int>(chat_plan().options.size()));
    QCOMPARE(model.columnCount(), static_cast<int>(OptionTableModel::column_count));
    QCOMPARE(model.index(0, OptionTableModel::delta_column).data().toString(), QStringLiteral("-"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    StudyWhatIf w = study_what_if_of(chat_study());
    w.cloud_price_factor = 1.2;
    const tco::PlanResult dearer = planned(w);
    model.set_plan(dearer, &chat_plan());
    const QModelIndex delta = model.index(0, OptionTableModel::delta_column);  // aws-on-demand
    QVERIFY(delta.data(Qt::UserRole).toDouble() > 0);
    QVERIFY(delta.data().toString().startsWith(QStringLiteral("+$")));
    QCOMPARE(model.index(2, OptionTableModel::option_column).data().toString(), QStringLiteral("own"));
    QCOMPARE(model.index(2, OptionTableModel::npv_column).data(Qt::UserRole).toDouble(),
             option(dearer, "own").npv_usd);
  }

  void the_panel_reads_the_file_and_reports_edits_with_deltas() {
    StudyPanel panel;
    panel.set_debounce_ms(0);
    panel.set_study(chat_study());
    QVERIFY(panel.what_if() == study_what_if_of(chat_study()));
    QSignalSpy changed(&panel, &StudyPanel::what_if_changed);
    auto* electricity = panel.findChild<QDoubleSpinBox*>(QStringLiteral("electricity"));
    auto* delta = panel.findChild<QLabel*>(QStringLiteral("electricity_file"));
    QVERIFY(electricity && delta);
    QVERIFY(delta->text().isEmpty());
    electricity->setValue(0.2);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(panel.what_if().electricity_usd_per_kwh, 0.2);
    QVERIFY(delta->text().startsWith(QStringLiteral("file: $")));
    panel.findChild<QSlider*>(QStringLiteral("cloud_price_slider"))->setValue(80);
    QCOMPARE(panel.what_if().cloud_price_factor, 0.8);
    QCOMPARE(panel.findChild<QDoubleSpinBox*>(QStringLiteral("cloud_price"))->value(), 0.8);
    panel.findChild<QSpinBox*>(QStringLiteral("nodes"))->setValue(4);
    QCOMPARE(panel.what_if().nodes.value_or(0), 4);
    QSignalSpy reset(&panel, &StudyPanel::reset_requested);
    panel.findChild<QPushButton*>(QStringLiteral("reset"))->click();
    QCOMPARE(reset.count(), 1);
    QVERIFY(panel.what_if() == study_what_if_of(chat_study()));
    QVERIFY(delta->text().isEmpty());

    panel.set_debounce_ms(10'000);  // debounced: nothing until apply_now()
    changed.clear();
    electricity->setValue(0.3);
    QCOMPARE(changed.count(), 0);
    panel.apply_now();
    QCOMPARE(changed.count(), 1);
    panel.show_problems({"no cloud instance in the price book has GPU mi325x"});
    QVERIFY(panel.problem_text().contains(QStringLiteral("mi325x")));
    panel.resize(380, 620);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(panel.grab().save(QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/capsim-gui-study-panel.png"), "PNG"));
  }

  void the_panel_tabs_through_every_field_in_order() {
    StudyPanel panel;
    panel.set_study(chat_study());
    const QStringList expected = {"gpu",           "nodes",       "cloud_price_slider", "cloud_price",
                                  "electricity",   "services_growth", "discount_rate",  "depreciation_years",
                                  "oversubscription", "reset"};
    QStringList seen;
    QWidget* start = panel.findChild<QWidget*>(QStringLiteral("gpu"));
    QWidget* w = start;
    do {
      if (expected.contains(w->objectName()) && !seen.contains(w->objectName())) {
        QVERIFY2(w->focusPolicy() & Qt::TabFocus, qPrintable(w->objectName()));
        QVERIFY2(w->isEnabled(), qPrintable(w->objectName()));
        QVERIFY2(!w->accessibleName().isEmpty(), qPrintable(w->objectName()));
        seen << w->objectName();
      }
      w = w->nextInFocusChain();
    } while (w != start);
    QCOMPARE(seen, expected);
  }

  void the_view_renders_at_1440_by_900_without_clipping() {
    TcoView view;
    StudyWhatIf w = study_what_if_of(chat_study());
    w.electricity_usd_per_kwh *= 1.5;
    view.set_plan(planned(w), &chat_plan());
    view.resize(1440, 900);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(view.cumulative_plot()->plottableCount() > 0);
    QVERIFY(view.monthly_plot()->plottableCount() > 0);
    QVERIFY(view.tornado_plot()->plottableCount() > 0);
    QVERIFY(view.tornado_plot()->height() >= view.tornado_plot()->minimumHeight());
    QCOMPARE(view.monthly_option()->count(), static_cast<int>(chat_plan().options.size()));
    const QString png = QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/capsim-gui-tco.png");
    QVERIFY(view.grab().save(png, "PNG"));
    QCOMPARE(QImage(png).size(), QSize(1440, 900));
    for (const char* chart : {"cumulative", "monthly", "tornado"}) {
      const QString path = QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/capsim-gui-tco-%1.png").arg(chart);
      QVERIFY(view.save_chart_png(QString::fromLatin1(chart), path));
      QVERIFY(QFileInfo(path).size() > 0);
    }
    QVERIFY(!view.save_chart_png(QStringLiteral("nope"), QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/x.png")));
    view.monthly_option()->setCurrentIndex(0);
    QVERIFY(view.monthly_plot()->plottableCount() > 0);
    view.clear(QStringLiteral("no cloud instance has GPU mi325x"));
    QCOMPARE(view.option_model()->rowCount(), 0);
    QCOMPARE(view.cumulative_plot()->plottableCount(), 0);
    QVERIFY(view.headline_text().contains(QStringLiteral("mi325x")));
  }

  /// Not a timed test (tests never assert wall-clock time): prints plan_study's time on every bundled study, as the
  /// what-if runs it (no Monte Carlo) and with the study's own Monte Carlo samples.
  void prints_plan_times_of_the_bundled_studies() {
    for (const QFileInfo& file : QDir(kStudies).entryInfoList({QStringLiteral("*.json")}, QDir::Files)) {
      std::optional<tco::Study> loaded;
      try {
        loaded = tco::load_study_file(file.filePath().toStdString());
      } catch (const InputError&) {
        continue;  // a scenario the studies use, not a study
      }
      const tco::Study& study = *loaded;
      StudyCapacityCache cache;
      StudyWhatIf w = study_what_if_of(study);
      const StudyOutcome cold = evaluate_study_what_if(study, w, 0, &cache);
      w.electricity_usd_per_kwh *= 1.1;
      const StudyOutcome warm = evaluate_study_what_if(study, w, 0, &cache);
      const auto start = std::chrono::steady_clock::now();
      if (study.monte_carlo_samples > 0) (void)tco::plan_study(study);
      const double mc_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      qInfo("plan_study %s: what-if %.1f ms simulating the shapes, %.1f ms reusing them (%s); with its %d Monte Carlo "
            "samples %.1f ms", qPrintable(file.fileName()), cold.elapsed_s * 1e3, warm.elapsed_s * 1e3,
            warm.plan ? "planned" : warm.problems.front().c_str(), study.monte_carlo_samples, mc_s * 1e3);
    }
  }
};

int run_study_view_tests(int argc, char** argv) {
  StudyViewTest tests;
  return QTest::qExec(&tests, argc, argv);
}

}  // namespace capsim::gui::test

#include "study_view_test.moc"
