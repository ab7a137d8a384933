#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTest>
#include <QTextBlock>
#include <fstream>
#include <sstream>

#include "gui/document_check.hpp"
#include "gui/document_editor.hpp"
#include "gui/form_editor.hpp"
#include "gui/form_fields.hpp"
#include "gui/json_editor.hpp"
#include "planner/scenario.hpp"
#include "sim/core/error.hpp"

#include "tests/gui/gui_test_main.hpp"

namespace capsim::gui::test {

namespace {

const std::string kPretrain = CAPSIM_GUI_TEST_FIXTURES "/llama3_70b_pretrain.json";
const std::string kTp6 = CAPSIM_GUI_TEST_FIXTURES "/tp_not_dividing_heads.json";
const std::string kStudy = CAPSIM_GUI_TEST_FIXTURES "/../../../scenarios/studies/70b-pretrain.json";

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const Problem* find_problem(const std::vector<Problem>& problems, const std::string& pointer) {
  for (const Problem& p : problems) {
    if (p.pointer == pointer) return &p;
  }
  return nullptr;
}

/// What the CLI says at `pointer` for `text`: the loader's diagnostic without the file prefix.
std::string cli_message(const std::string& text, const std::string& file, const std::string& pointer) {
  try {
    planner::load_scenario_text(text, file);
  } catch (const InputError& e) {
    for (const Diagnostic& d : e.diagnostics()) {
      if (d.pointer == pointer) return d.to_string().substr(file.size() + pointer.size() + 4);
    }
  }
  return "";
}

/// Replaces the first `from` in the JSON view as a user would (one edit of the document).
void type_over(JsonEditor* json, const QString& from, const QString& to) {
  QTextCursor cursor = json->text_view()->document()->find(from);
  QVERIFY(!cursor.isNull());
  cursor.insertText(to);
}

}  // namespace

class EditorsTest : public QObject {
  Q_OBJECT

 private slots:
  void a_syntax_error_gives_its_line_and_column() {
    const std::string text = "{\n  \"schema\": \"capsim/scenario/v1\",\n  \"name\": ,\n}\n";
    const std::vector<Problem> problems = check_document(text, "/tmp/broken.json");
    QCOMPARE(problems.size(), std::size_t{1});
    QCOMPARE(problems[0].line, 3);
    QCOMPARE(problems[0].column, 11);
    QVERIFY(problems[0].message.find("invalid JSON at line 3, column 11") != std::string::npos);
  }

  void a_pointer_is_located_at_its_value() {
    const std::string text = "{\"a\": {\"x/y\": 1,\n  \"b\": [10,\n   {\"c\": \"\\\"q\"}, 7]}}";
    QCOMPARE(locate_pointer(text, "").line, 1);
    const TextPosition b = locate_pointer(text, "/a/b");
    QCOMPARE(b.line, 2);
    QCOMPARE(b.column, 8);
    QCOMPARE(locate_pointer(text, "/a/b/1/c").line, 3);
    QCOMPARE(locate_pointer(text, "/a/b/1/c").column, 10);
    QCOMPARE(locate_pointer(text, "/a/b/2").column, 18);
    QCOMPARE(locate_pointer(text, "/a/x~1y").column, 15);
    QCOMPARE(locate_pointer(text, "/a/b/1/missing").column, 4);  // its deepest parent
    QVERIFY(pointer_at_or_under("/workloads/0/parallelism/tp", "/workloads/0"));
    QVERIFY(!pointer_at_or_under("/workloads/10", "/workloads/1"));
  }

  void tp_6_on_64_heads_gives_the_cli_message_at_the_tp_field() {
    const std::string text = read(kTp6);
    const std::vector<Problem> problems = check_document(text, kTp6);
    const Problem* tp = find_problem(problems, "/workloads/0/parallelism/tp");
    QVERIFY(tp != nullptr);
    QVERIFY(tp->message.find("6 does not divide heads (64)") != std::string::npos);
    QCOMPARE(tp->message, cli_message(text, kTp6, tp->pointer));
    QCOMPARE(tp->line, 9);

    DocumentEditor editor;
    editor.set_text(QString::fromStdString(text), QString::fromStdString(kTp6));
    editor.check_now();
    QVERIFY(!editor.is_valid());
    QCOMPARE(editor.problem_count(), static_cast<int>(problems.size()));
    QWidget* field = editor.form()->field("/workloads/0/parallelism/tp");
    QVERIFY(field != nullptr);
    QVERIFY(field->property("has_problem").toBool());
    QVERIFY(field->toolTip().contains(QStringLiteral("6 does not divide heads (64)")));
    auto* message = editor.findChild<QLabel*>(QStringLiteral("/workloads/0/parallelism/tp#message"));
    QVERIFY(message != nullptr && !message->isHidden());
    QCOMPARE(message->text(), QString::fromStdString(tp->message));
    QVERIFY(!editor.form()->field("/cluster/nodes")->property("has_problem").toBool());
  }

  void the_shipped_study_checks_clean_and_a_bad_rate_is_marked() {
    const std::string text = read(kStudy);
    QVERIFY(is_study_text(text));
    QVERIFY(!is_study_text(read(kPretrain)));
    QVERIFY(check_document(text, kStudy).empty());  // its relative scenario paths resolve against its folder
    DocumentEditor editor;
    editor.set_text(QString::fromStdString(text), QString::fromStdString(kStudy));
    QVERIFY(editor.form()->field("/horizon_months") != nullptr);
    QVERIFY(editor.form()->field("/options/1/price_per_gpu_hour") != nullptr);
    QVERIFY(editor.form()->field("/options/3/on_prem/base_percentile") != nullptr);
    type_over(editor.json_editor(), QStringLiteral("\"discount_rate\": 0.1"), QStringLiteral("\"discount_rate\": 2"));
    editor.check_now();
    QCOMPARE(editor.problem_count(), 1);
    QVERIFY(editor.form()->field("/discount_rate")->property("has_problem").toBool());
  }

  void opening_keeps_the_text_and_editing_nodes_changes_it() {
    const QString original = QString::fromStdString(read(kPretrain));
    DocumentEditor editor;
    QSignalSpy changed(&editor, &DocumentEditor::changed);
    editor.set_text(original, QString::fromStdString(kPretrain));
    QCOMPARE(editor.text(), original);  // never rewritten on open
    QCOMPARE(changed.count(), 0);
    auto* nodes = qobject_cast<QSpinBox*>(editor.form()->field("/cluster/nodes"));
    QVERIFY(nodes != nullptr);
    QCOMPARE(nodes->value(), 129);
    nodes->setValue(200);
    QVERIFY(changed.count() >= 1);
    QVERIFY(editor.text().contains(QStringLiteral("\"nodes\": 200")));
    QVERIFY(editor.text().startsWith(QStringLiteral("{\n  \"schema\": \"capsim/scenario/v1\",\n  \"name\"")));
    QVERIFY(editor.form()->document()["cluster"]["nodes"] == 200);
    nodes->setValue(-1);  // "not set" removes the key
    QVERIFY(!editor.text().contains(QStringLiteral("\"nodes\"")));
    editor.check_now();
    // Reported at /cluster ("missing required key"), shown at the field that would hold it.
    QVERIFY(editor.form()->field("/cluster/nodes")->property("has_problem").toBool());
  }

  void editing_the_json_text_changes_the_field() {
    DocumentEditor editor;
    editor.set_text(QString::fromStdString(read(kPretrain)), QString::fromStdString(kPretrain));
    QSignalSpy changed(&editor, &DocumentEditor::changed);
    type_over(editor.json_editor(), QStringLiteral("\"nodes\": 129"), QStringLiteral("\"nodes\": 100"));
    QCOMPARE(changed.count(), 1);
    auto* nodes = qobject_cast<QSpinBox*>(editor.form()->field("/cluster/nodes"));
    QVERIFY(nodes != nullptr);
    QCOMPARE(nodes->value(), 100);
  }

  void a_text_that_does_not_parse_disables_the_form_with_the_syntax_error() {
    DocumentEditor editor;
    editor.set_text(QString::fromStdString(read(kPretrain)), QString::fromStdString(kPretrain));
    type_over(editor.json_editor(), QStringLiteral("\"nodes\": 129,"), QStringLiteral("\"nodes\": 129,,"));
    QVERIFY(!editor.is_valid());
    auto* scroll = editor.form()->findChild<QScrollArea*>();
    QVERIFY(!scroll->isEnabled());
    auto* banner = editor.form()->findChild<QLabel*>(QStringLiteral("form_banner"));
    QVERIFY(banner->text().contains(QStringLiteral("invalid JSON at line 7")));
    editor.check_now();
    QCOMPARE(editor.problem_count(), 1);
    QCOMPARE(editor.json_editor()->problems()[0].line, 7);
    type_over(editor.json_editor(), QStringLiteral(",,"), QStringLiteral(","));
    QVERIFY(scroll->isEnabled());
    editor.check_now();
    QVERIFY(editor.is_valid());
  }

  void no_document_shows_nothing_to_fix() {
    DocumentEditor editor;
    editor.set_text(QString::fromStdString(read(kTp6)), QString::fromStdString(kTp6));
    editor.set_text(QString(), QString());
    QVERIFY(!editor.json_editor()->check_pending());
    QCOMPARE(editor.problem_count(), 0);
    QVERIFY(editor.form()->field("/cluster/nodes") == nullptr);
    QVERIFY(editor.form()->findChild<QLabel*>(QStringLiteral("form_banner"))->text().contains(QStringLiteral("No document")));
  }

  void tab_walks_the_main_fields_and_keys_edit_them() {
    DocumentEditor editor;
    editor.set_text(QString::fromStdString(read(kPretrain)), QString::fromStdString(kPretrain));
    editor.resize(1000, 700);
    editor.show();
    QApplication::setActiveWindow(&editor);
    QVERIFY(QTest::qWaitForWindowActive(&editor));
    FormEditor* form = editor.form();
    form->field("/cluster/gpu")->setFocus();
    const char* const order[] = {"/cluster/nodes", "/cluster/gpus_per_node", "/cluster/scale_up/bandwidth",
                                 "/cluster/scale_out/topology", "/cluster/scale_out/oversubscription"};
    for (const char* pointer : order) {
      QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
      QWidget* want = form->field(pointer);
      QWidget* got = QApplication::focusWidget();
      QVERIFY2(got == want || (want != nullptr && want->isAncestorOf(got)), pointer);
    }
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Backtab);  // back to the fabric combo
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Down);
    QVERIFY(editor.text().contains(QStringLiteral("\"topology\": \"rail-optimized\"")));
    auto* nodes = qobject_cast<QSpinBox*>(form->field("/cluster/nodes"));
    nodes->setFocus();
    nodes->selectAll();
    QTest::keyClicks(nodes, QStringLiteral("64"));
    QVERIFY(editor.text().contains(QStringLiteral("\"nodes\": 64")));
    QTest::keyClick(nodes, Qt::Key_Up);
    QVERIFY(editor.text().contains(QStringLiteral("\"nodes\": 65")));
  }

  void clicking_a_problem_moves_the_cursor_to_its_place() {
    JsonEditor json;
    QAbstractItemModelTester tester(json.problem_list()->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy spy(&json, &JsonEditor::problems_changed);
    json.set_text(QString::fromStdString(read(kTp6)), QString::fromStdString(kTp6));
    QVERIFY(json.check_pending());
    QVERIFY(spy.wait(2000));  // the debounced check
    QVERIFY(spy.last().at(0).toInt() >= 1);
    json.resize(900, 600);
    json.show();
    QVERIFY(QTest::qWaitForWindowExposed(&json));
    int row = -1;
    for (int i = 0; i < static_cast<int>(json.problems().size()); ++i) {
      if (json.problems()[static_cast<std::size_t>(i)].pointer == "/workloads/0/parallelism/tp") row = i;
    }
    QVERIFY(row >= 0);
    QListWidget* list = json.problem_list();
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(row)).center());
    const QTextCursor cursor = json.text_view()->textCursor();
    QCOMPARE(cursor.blockNumber() + 1, 9);
    QVERIFY(cursor.block().text().mid(cursor.positionInBlock()).startsWith(QStringLiteral("6,")));
    json.set_text(QString::fromStdString(read(kPretrain)), QString::fromStdString(kPretrain));
    json.check_now();
    QCOMPARE(list->count(), 0);
  }

  void a_field_writes_numbers_units_and_removals() {
    nlohmann::ordered_json doc = {{"cluster", {{"nodes", 4}}}};
    QVERIFY(write_field(doc, {"/cluster/scale_out/nic_bandwidth", "", FieldKind::number, {}}, "400 Gb/s"));
    QVERIFY(doc["cluster"]["scale_out"]["nic_bandwidth"] == "400 Gb/s");
    QVERIFY(write_field(doc, {"/cluster/scale_out/oversubscription", "", FieldKind::number, {}}, "2.5"));
    QVERIFY(doc["cluster"]["scale_out"]["oversubscription"] == 2.5);
    QVERIFY(write_field(doc, {"/cluster/nodes", "", FieldKind::integer, {}}, ""));
    QVERIFY(!doc["cluster"].contains("nodes"));
    QVERIFY(!write_field(doc, {"/cluster/scale_out/nic_bandwidth/x", "", FieldKind::text, {}}, "1"));
    QCOMPARE(field_text(doc, "/cluster/scale_out/oversubscription"), std::string("2.5"));
  }

  void the_editor_renders_at_1440_by_900() {
    render(kTp6, {"capsim-gui-editor.png", "capsim-gui-editor-json.png"});
    render(kStudy, {"capsim-gui-editor-study.png"});
  }

 private:
  /// Opens `file` at 1440x900 and saves one PNG per tab in `pngs` (Form, then JSON) for a person to look at.
  static void render(const std::string& file, const QStringList& pngs) {
    DocumentEditor editor;
    editor.set_text(QString::fromStdString(read(file)), QString::fromStdString(file));
    editor.check_now();
    editor.resize(1440, 900);
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    for (int tab = 0; tab < pngs.size(); ++tab) {
      editor.tabs()->setCurrentIndex(tab);
      QVERIFY(editor.grab().save(QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/") + pngs[tab]));
    }
  }
};

int run_editors_tests(int argc, char** argv) {
  EditorsTest tests;
  return QTest::qExec(&tests, argc, argv);
}

}  // namespace capsim::gui::test

#include "editors_test.moc"
