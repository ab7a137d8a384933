#include <qcustomplot.h>

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QComboBox>
#include <QElapsedTimer>
#include <QImage>
#include <QTest>
#include <fstream>
#include <nlohmann/json.hpp>

#include "gui/figure_strip.hpp"
#include "gui/fleet_view.hpp"
#include "gui/latency_table_model.hpp"
#include "gui/search_view.hpp"
#include "gui/serving_load_curve.hpp"
#include "gui/serving_view.hpp"
#include "gui/team_table_model.hpp"
#include "planner/run.hpp"
#include "planner/search/design_search.hpp"
#include "planner/search/search_space.hpp"
#include "tests/gui/gui_test_main.hpp"

namespace capsim::gui::test {

namespace {

const std::string kExamples = CAPSIM_GUI_TEST_SCENARIOS "/examples/";

nlohmann::json example_doc(const std::string& name) {
  std::ifstream in(kExamples + name);
  return nlohmann::json::parse(in);
}

/// The chat example (8 replicas of Llama 3 70B, Poisson 30/s) cut to `duration` so that each test runs in well
/// under a second, with `slo` in place of its SLO when not null.
planner::Scenario chat_scenario(const std::string& duration, const nlohmann::json& slo = nullptr) {
  nlohmann::json doc = example_doc("chat-llama3-70b-h100.json");
  doc["workloads"][0]["load"]["duration"] = duration;
  if (!slo.is_null()) doc["workloads"][0]["slo"] = slo;
  return planner::load_scenario(doc, kExamples + "chat-llama3-70b-h100.json");
}

struct FleetRun {
  planner::Scenario scenario;
  fleet::FleetResult result;
};

const FleetRun& fleet_lab() {
  static const FleetRun run = [] {
    FleetRun r;
    r.scenario = planner::load_scenario_file(kExamples + "fleet-lab.json");
    r.result = planner::run_fleet_scenario(planner::prepare_fleet(r.scenario));
    return r;
  }();
  return run;
}

struct SearchRun {
  planner::Scenario scenario;
  planner::search::SearchProblem problem;
  planner::search::SearchTally tally;
};

/// The GPU-choice search narrowed to H100 and H200 at 2,048 and 4,096 GPUs (both precisions), on one thread.
const SearchRun& gpu_choice_search() {
  static const SearchRun run = [] {
    SearchRun r;
    planner::search::SearchSpec spec;
    r.scenario = planner::search::load_search_scenario_file(
        CAPSIM_GUI_TEST_SCENARIOS "/search/llama3-405b-gpu-choice.json", spec);
    spec.gpu_types = {"h100-sxm5-80gb", "h200-sxm-141gb"};
    spec.cluster_gpus = {2048, 4096};
    r.problem = planner::search::make_search_problem(r.scenario, spec);
    planner::search::RunSettings settings;
    settings.threads = 1;
    r.tally = planner::search::run_search(r.problem, settings);
    r.tally.sort_pareto();
    return r;
  }();
  return run;
}

QString output(const char* name) { return QStringLiteral(CAPSIM_GUI_TEST_OUTPUT_DIR "/") + QLatin1String(name); }

/// Shows `widget` at 1440x900, saves it to `path` (for a person to look at) and reads the PNG back.
void render(QWidget& widget, const QString& path) {
  widget.resize(1440, 900);
  widget.show();
  QCoreApplication::processEvents();
  QVERIFY(widget.grab().save(path, "PNG"));
  const QImage image(path);
  QCOMPARE(image.width(), 1440);
  QCOMPARE(image.height(), 900);
}

}  // namespace

class ResultViewsTest : public QObject {
  Q_OBJECT

 private slots:
  void latency_table_shows_the_runs_p99_ttft() {
    const planner::Scenario s = chat_scenario("5 min");
    const planner::ScenarioResult result = planner::run_scenario(s);
    QCOMPARE(result.inference.size(), std::size_t{1});
    LatencyTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_result(result.inference[0]);
    QCOMPARE(model.rowCount(), 4);
    const QModelIndex p99 = model.index(LatencyTableModel::ttft_row, LatencyTableModel::p99_column);
    QCOMPARE(model.data(p99, LatencyTableModel::seconds_role).toDouble(), result.inference[0].ttft_s.p99);
    QCOMPARE(model.data(p99).toString(), QString::fromStdString(units::format_time(result.inference[0].ttft_s.p99)));
    // The example meets its SLO (TTFT p90 <= 2 s): marked met, not missed.
    QVERIFY(!model.misses_slo(LatencyTableModel::ttft_row));
    QVERIFY(model.data(model.index(LatencyTableModel::ttft_row, LatencyTableModel::slo_column))
                .toString()
                .endsWith(QStringLiteral(": met")));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
  }

  void an_slo_miss_is_marked_on_its_percentile() {
    const planner::Scenario s = chat_scenario("2 min", {{"ttft_p90", "1 ms"}, {"tpot_p99", "200 ms"}});
    const planner::ScenarioResult result = planner::run_scenario(s);
    QVERIFY(!result.inference[0].slo_met);
    LatencyTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_result(result.inference[0]);
    QVERIFY(model.misses_slo(LatencyTableModel::ttft_row));
    QVERIFY(!model.misses_slo(LatencyTableModel::tpot_row));
    const QModelIndex p90 = model.index(LatencyTableModel::ttft_row, LatencyTableModel::p90_column);
    QVERIFY(model.data(p90, LatencyTableModel::slo_miss_role).toBool());
    QCOMPARE(model.data(p90, Qt::ForegroundRole).value<QBrush>().color(), QColor(0xc6, 0x28, 0x28));
    QVERIFY(!model
                 .data(model.index(LatencyTableModel::ttft_row, LatencyTableModel::p99_column),
                       LatencyTableModel::slo_miss_role)
                 .toBool());
    QVERIFY(model.data(model.index(LatencyTableModel::ttft_row, LatencyTableModel::slo_column))
                .toString()
                .endsWith(QStringLiteral(": missed")));
  }

  void the_load_curve_rises_with_load_until_saturation() {
    const planner::Scenario s = chat_scenario("30 min");
    QElapsedTimer timer;
    timer.start();
    const LoadCurve curve = serving_load_curve(s, 0, {0.25, 0.5, 1, 2, 4, 8});
    qInfo("load curve of 6 points: %lld ms, window %.0f s", static_cast<long long>(timer.elapsed()), curve.window_s);
    QCOMPARE(curve.points.size(), std::size_t{6});
    QCOMPARE(curve.base_rate_per_s, 30.0);
    // Below capacity the throughput follows the offered load (within the Poisson draw of a 67 s window)...
    for (std::size_t i = 0; i < 3; ++i) {
      const LoadPoint& p = curve.points[i];
      QVERIFY2(std::fabs(p.requests_per_s / p.offered_per_s - 1) < 0.15, qPrintable(QString::number(i)));
      if (i > 0) QVERIFY(p.requests_per_s > curve.points[i - 1].requests_per_s);
    }
    // ... and it saturates: at 8x the load, the replicas serve well under what is offered.
    const LoadPoint& last = curve.points.back();
    QVERIFY(last.requests_per_s < 0.8 * last.offered_per_s);
    QVERIFY(!last.slo_met);
    QVERIFY(curve.points[2].slo_met);
    const double capacity = capacity_per_replica(curve);
    QVERIFY(capacity >= 30.0 / 8 && capacity < 8 * 30.0 / 8);
  }

  void the_replica_plan_follows_the_daily_curve() {
    const planner::Scenario s = planner::load_scenario_file(kExamples + "chat-daily-curve.json");
    const workloads::InferenceJob* job = inference_workload(s, 0);
    QVERIFY(job != nullptr);
    const ReplicaPlan plan = replica_plan(*job, 3.0, 0.2);
    QCOMPARE(plan.points.size(), std::size_t{24});
    QVERIFY(!plan.flat);
    QCOMPARE(plan.points[11].replicas_needed, 8);  // 18/s x 1.2 / 3 per replica
    QCOMPARE(plan.points[2].replicas_needed, 1);   // 1.5/s
    QVERIFY(replica_plan(*job, 0, 0.2).points.empty());
    QVERIFY(inference_workload(s, 1) == nullptr);
  }

  void the_serving_view_plans_replicas_over_the_daily_curve() {
    // The first two hours of the day (3 and 2.25 requests/s); the plan still covers the whole curve.
    nlohmann::json doc = example_doc("chat-daily-curve.json");
    doc["workloads"][0]["load"]["duration"] = "2 h";
    const planner::Scenario s = planner::load_scenario(doc, kExamples + "chat-daily-curve.json");
    const planner::ScenarioResult result = planner::run_scenario(s);
    ServingView view;
    view.resize(1440, 900);
    view.set_results(s, result.inference);
    QElapsedTimer timer;
    timer.start();
    const LoadCurve curve = serving_load_curve(s, 0, default_rate_factors());
    qInfo("daily-curve load curve of %zu points: %lld ms, window %.0f s", curve.points.size(),
          static_cast<long long>(timer.elapsed()), curve.window_s);
    QCOMPARE(curve.base_rate_per_s, 18.0);  // the curve's peak
    view.set_load_curve(0, curve);
    const ReplicaPlan& plan = view.replica_plan_shown();
    QCOMPARE(plan.points.size(), std::size_t{24});
    QVERIFY(!plan.flat);
    QVERIFY(plan.points[12].replicas_needed > plan.points[3].replicas_needed);
    render(view, output("capsim-gui-serving-daily.png"));
  }

  void the_serving_view_fills_its_panels_and_renders() {
    const planner::Scenario s = chat_scenario("10 min");
    const planner::ScenarioResult result = planner::run_scenario(s);
    ServingView view;
    view.resize(1440, 900);
    QAbstractItemModelTester tester(view.latency_model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    std::vector<int> wanted;
    connect(&view, &ServingView::load_curve_wanted, [&](int index) { wanted.push_back(index); });
    view.set_results(s, result.inference);
    QCOMPARE(wanted, std::vector<int>{0});
    QCOMPARE(view.current_workload(), 0);
    QVERIFY(!view.workload_combo()->isVisibleTo(&view));
    QCOMPARE(view.latency_model()->rowCount(), 4);
    QVERIFY(view.activity_plot()->graphCount() >= 2);
    QVERIFY(view.activity_plot()->graph(0)->dataCount() > 10);
    QVERIFY(!view.figures()->value_of(QStringLiteral("Requests/s")).isEmpty());
    // What the main window does on its worker thread.
    view.set_load_curve(0, serving_load_curve(s, 0, default_rate_factors()));
    QVERIFY(view.load_plot()->graphCount() >= 3);
    QVERIFY(!view.replica_plan_shown().points.empty());
    QVERIFY(view.replica_plan_shown().flat);
    render(view, output("capsim-gui-serving.png"));
  }

  void an_offline_batch_shows_its_throughput_over_the_run_and_no_replica_plan() {
    // Every request queued at once: no load axis to sweep, no day to plan replicas over.
    nlohmann::json doc = example_doc("chat-llama3-70b-h100.json");
    doc["workloads"][0]["load"] = {{"mode", "offline"}, {"requests", 400}};
    doc["workloads"][0]["replicas"] = 1;
    const planner::Scenario s = planner::load_scenario(doc, kExamples + "offline.json");
    const planner::ScenarioResult result = planner::run_scenario(s);
    ServingView view;
    view.resize(1440, 900);
    std::vector<int> wanted;
    connect(&view, &ServingView::load_curve_wanted, [&](int index) { wanted.push_back(index); });
    view.set_results(s, result.inference);
    QVERIFY(wanted.empty());
    QVERIFY(!view.replica_plot()->isVisibleTo(&view));
    QCOMPARE(view.load_plot()->graphCount(), 1);
    QVERIFY(view.load_plot()->graph(0)->dataCount() > 5);
    double peak = 0;
    for (auto it = view.load_plot()->graph(0)->data()->begin(); it != view.load_plot()->graph(0)->data()->end(); ++it) {
      peak = std::max(peak, it->value);
    }
    QVERIFY(peak >= result.inference[0].output_tokens_per_s);  // the mean sits under the busiest interval
    render(view, output("capsim-gui-serving-offline.png"));
    // A scenario with a load axis afterwards brings the replica plan back.
    view.set_results(chat_scenario("2 min"), planner::run_scenario(chat_scenario("2 min")).inference);
    QVERIFY(view.replica_plot()->isVisibleTo(&view));
  }

  void the_serving_view_picks_among_several_workloads() {
    nlohmann::json doc = example_doc("chat-llama3-70b-h100.json");
    doc["workloads"][0]["load"]["duration"] = "2 min";
    nlohmann::json second = doc["workloads"][0];
    second["name"] = "batch";
    second["replicas"] = 1;
    doc["workloads"].push_back(second);
    doc["cluster"]["nodes"] = 3;
    const planner::Scenario s = planner::load_scenario(doc, kExamples + "two.json");
    const planner::ScenarioResult result = planner::run_scenario(s);
    ServingView view;
    std::vector<int> wanted;
    connect(&view, &ServingView::load_curve_wanted, [&](int index) { wanted.push_back(index); });
    view.set_results(s, result.inference);
    QVERIFY(view.workload_combo()->isVisibleTo(&view));
    QCOMPARE(view.workload_combo()->count(), 2);
    view.workload_combo()->setCurrentIndex(1);
    QCOMPARE(view.current_workload(), 1);
    QCOMPARE(wanted, (std::vector<int>{0, 1}));
    QCOMPARE(view.latency_model()
                 ->data(view.latency_model()->index(0, LatencyTableModel::p99_column), LatencyTableModel::seconds_role)
                 .toDouble(),
             result.inference[1].ttft_s.p99);
  }

  void the_fleet_table_has_one_row_per_team_with_the_results_figures() {
    const FleetRun& run = fleet_lab();
    TeamTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_result(run.result);
    QVERIFY(!run.result.teams.empty());
    QCOMPARE(model.rowCount(), static_cast<int>(run.result.teams.size()));
    for (int row = 0; row < model.rowCount(); ++row) {
      const fleet::TeamResult& t = run.result.teams[static_cast<std::size_t>(row)];
      QCOMPARE(model.data(model.index(row, TeamTableModel::team_column)).toString(), QString::fromStdString(t.name));
      QCOMPARE(model.data(model.index(row, TeamTableModel::gpu_hours_column), TeamTableModel::value_role).toDouble(),
               t.gpu_hours);
      QCOMPARE(model.data(model.index(row, TeamTableModel::p99_wait_column), TeamTableModel::value_role).toDouble(),
               t.queue.p99);
      QCOMPARE(model.data(model.index(row, TeamTableModel::share_column)).toString(),
               QString::fromStdString(units::format_percent(t.share)));
    }
  }

  void the_fleet_view_fills_its_panels_and_renders() {
    const FleetRun& run = fleet_lab();
    FleetView view;
    view.resize(1440, 900);
    QAbstractItemModelTester tester(view.team_model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.set_result(run.scenario, run.result);
    QCOMPARE(view.team_model()->rowCount(), static_cast<int>(run.result.teams.size()));
    QCOMPARE(view.figures()->value_of(QStringLiteral("GPU allocation")),
             QString::fromStdString(units::format_percent(run.result.gpu_allocation)));
    QCOMPARE(view.figures()->value_of(QStringLiteral("Goodput")),
             QString::fromStdString(units::format_percent(run.result.goodput)));
    // One layer per team and the GPUs in repair; queued and running.
    QCOMPARE(view.allocation_plot()->plottableCount(), static_cast<int>(run.result.teams.size()) + 1);
    QCOMPARE(view.queue_plot()->graphCount(), 2);
    render(view, output("capsim-gui-fleet.png"));
  }

  void clicking_a_pareto_point_emits_its_configuration() {
    const SearchRun& run = gpu_choice_search();
    QVERIFY(run.tally.pareto.size() >= 2);
    SearchView view;
    std::vector<SearchChoice> chosen;
    connect(&view, &SearchView::configuration_chosen, [&](const SearchChoice& c) { chosen.push_back(c); });
    render(view, output("capsim-gui-search.png"));  // sized and laid out before the click
    view.set_result(run.scenario, run.problem, run.tally);
    view.plot()->replot();
    const int last = static_cast<int>(run.tally.pareto.size()) - 1;
    const QPoint at = view.point_pixel(last).toPoint();
    QTest::mouseClick(view.plot(), Qt::LeftButton, Qt::NoModifier, at);
    QCOMPARE(chosen.size(), std::size_t{1});
    const SearchChoice& c = chosen.front();
    QCOMPARE(c.pareto_index, last);
    const planner::search::Candidate& want = run.tally.pareto.back();
    QCOMPARE(c.candidate.index, want.index);
    QCOMPARE(c.configuration["parallelism"]["tp"].get<int>(), want.tp);
    QCOMPARE(c.configuration["cost_usd"].get<double>(), want.cost_usd);
    const auto& job = std::get<workloads::TrainingJob>(c.scenario.workloads.at(0));
    QCOMPARE(job.parallelism.tp, want.tp);
    QCOMPARE(job.parallelism.pp, want.pp);
    QCOMPARE(job.parallelism.dp, want.dp);
    QCOMPARE(c.scenario.cluster.total_gpus(), run.problem.variants[want.variant].gpus);
    QCOMPARE(view.chosen(), last);
    QVERIFY(view.details_text().contains(QString::fromStdString(run.problem.variants[want.variant].cluster.gpu.name)));

    // The test hook does what a click does.
    view.choose_point(0);
    QCOMPARE(chosen.size(), std::size_t{2});
    QCOMPARE(chosen.back().candidate.index, run.tally.pareto.front().index);
    view.choose_point(last + 1);  // out of range: ignored
    QCOMPARE(chosen.size(), std::size_t{2});
    render(view, output("capsim-gui-search.png"));
  }
};

int run_result_views_tests(int argc, char** argv) {
  ResultViewsTest tests;
  return QTest::qExec(&tests, argc, argv);
}

}  // namespace capsim::gui::test

#include "result_views_test.moc"
