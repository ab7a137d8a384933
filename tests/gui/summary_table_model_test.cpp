#include "gui/summary_table_model.hpp"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QFont>
#include <QTest>

#include "tests/gui/gui_test_main.hpp"

namespace capsim::gui::test {

namespace {

std::vector<planner::SummaryRow> sample_rows() {
  return {{"Step time", "3.53 s", "", true, false},
          {"Memory per GPU", "91.2 GiB of 80.0 GiB (114.0%): does not fit", "91.2 GiB of 80.0 GiB", true, true},
          {"GPUs", "1024", "", false, false},
          {"Note", "80 layers on 3 stages: 2 stages carry 27 layers, the others 26", "", false, false}};
}

}  // namespace

class SummaryTableModelTest : public QObject {
  Q_OBJECT

 private slots:
  void passes_the_item_model_tester_through_resets_and_clears() {
    SummaryTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_rows(sample_rows());
    model.clear();
    model.set_rows(sample_rows());
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.columnCount(), 2);
  }

  void shows_the_metric_in_column_0_and_its_value_in_column_1() {
    SummaryTableModel model;
    model.set_rows(sample_rows());
    QCOMPARE(model.data(model.index(0, 0)).toString(), QStringLiteral("Step time"));
    QCOMPARE(model.data(model.index(0, 1)).toString(), QStringLiteral("3.53 s"));
    QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("Value"));
  }

  void draws_warnings_red_and_headlines_bold() {
    SummaryTableModel model;
    model.set_rows(sample_rows());
    const QVariant warning = model.data(model.index(1, 1), Qt::ForegroundRole);
    QVERIFY(warning.isValid());
    QCOMPARE(warning.value<QBrush>().color().red(), 0xc6);
    QVERIFY(!model.data(model.index(2, 1), Qt::ForegroundRole).isValid());
    QVERIFY(model.data(model.index(0, 0), Qt::FontRole).value<QFont>().bold());
    QVERIFY(!model.data(model.index(2, 0), Qt::FontRole).isValid());
  }

  void has_no_children_below_a_row() {
    SummaryTableModel model;
    model.set_rows(sample_rows());
    QCOMPARE(model.rowCount(model.index(0, 0)), 0);
    QCOMPARE(model.columnCount(model.index(0, 0)), 0);
  }
};

int run_summary_table_model_tests(int argc, char** argv) {
  SummaryTableModelTest tests;
  return QTest::qExec(&tests, argc, argv);
}

}  // namespace capsim::gui::test

#include "summary_table_model_test.moc"
