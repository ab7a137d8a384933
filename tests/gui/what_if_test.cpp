#include "gui/what_if.hpp"

#include <QTest>

#include "tests/gui/gui_test_main.hpp"

namespace capsim::gui::test {

namespace {

planner::Scenario fixture_scenario() {
  return planner::load_scenario_file(CAPSIM_GUI_TEST_FIXTURES "/llama3_70b_pretrain.json");
}

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const std::string& p : problems) {
    if (p.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

class WhatIfTest : public QObject {
  Q_OBJECT

 private slots:
  void reads_the_first_training_workload() {
    const planner::Scenario s = fixture_scenario();
    QCOMPARE(first_training_index(s), 0);
    const WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    QCOMPARE(w.tp, 8);
    QCOMPARE(w.pp, 4);
    QCOMPARE(w.dp, 32);
    QCOMPARE(w.global_batch, 1024);
    QCOMPARE(w.zero, 1);
    QVERIFY(w.recompute == workloads::Recompute::selective);
  }

  void the_file_layout_has_no_problems_and_counts_every_workload_gpu() {
    const planner::Scenario s = fixture_scenario();
    const WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    QVERIFY(check_what_if(s, 0, w).empty());
    QCOMPARE(gpus_needed(s, 0, w), 1024LL + 8LL);  // training plus 4 chat replicas of tp 2
  }

  void tp_that_does_not_divide_heads_is_a_problem_not_a_crash() {
    const planner::Scenario s = fixture_scenario();
    WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    w.tp = 6;
    w.dp = 16;
    const WhatIfOutcome outcome = evaluate_what_if(s, 0, w, "");
    QVERIFY(!outcome.result);
    QVERIFY(mentions(outcome.problems, "tp 6 does not divide heads (64)"));
  }

  void global_batch_that_does_not_split_into_micro_batches_is_a_problem() {
    const planner::Scenario s = fixture_scenario();
    WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    w.global_batch = 1000;
    QVERIFY(mentions(check_what_if(s, 0, w), "does not split into micro-batches"));
  }

  void more_gpus_than_the_cluster_has_is_a_problem() {
    const planner::Scenario s = fixture_scenario();
    WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    w.dp = 64;
    w.global_batch = 2048;
    QVERIFY(mentions(check_what_if(s, 0, w), "the cluster has 1032"));
  }

  void interleaving_without_pipeline_stages_is_a_problem() {
    const planner::Scenario s = fixture_scenario();
    WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    w.pp = 1;
    w.virtual_stages = 2;
    QVERIFY(mentions(check_what_if(s, 0, w), "needs pp > 1"));
  }

  void an_engine_refusal_becomes_a_problem() {
    const planner::Scenario s = fixture_scenario();
    const WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    const WhatIfOutcome outcome = evaluate_what_if(s, 0, w, "no-such-engine");
    QVERIFY(!outcome.result);
    QVERIFY(mentions(outcome.problems, "no-such-engine"));
  }

  void halving_tp_halves_the_gpus_and_changes_the_step_time() {
    const planner::Scenario s = fixture_scenario();
    WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    const WhatIfOutcome before = evaluate_what_if(s, 0, w, "analytical");
    QVERIFY(before.result.has_value());
    w.tp = 4;
    const WhatIfOutcome after = evaluate_what_if(s, 0, w, "analytical");
    QVERIFY(after.result.has_value());
    QCOMPARE(after.result->gpus, 512);
    QVERIFY(after.result->step_time_s != before.result->step_time_s);
    QCOMPARE(after.engine, std::string("analytical"));
  }

  void evaluating_leaves_the_loaded_scenario_untouched() {
    const planner::Scenario s = fixture_scenario();
    WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    w.tp = 4;
    evaluate_what_if(s, 0, w, "");
    QCOMPARE(std::get<workloads::TrainingJob>(s.workloads[0]).parallelism.tp, 8);
  }
};

int run_what_if_tests(int argc, char** argv) {
  WhatIfTest tests;
  return QTest::qExec(&tests, argc, argv);
}

}  // namespace capsim::gui::test

#include "what_if_test.moc"
