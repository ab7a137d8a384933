#include "gui/what_if.hpp"

#include <QTest>
#include <fstream>

#include "planner/run.hpp"

#include "tests/gui/gui_test_main.hpp"

namespace capsim::gui::test {

namespace {

planner::Scenario fixture_scenario() {
  return planner::load_scenario_file(CAPSIM_GUI_TEST_FIXTURES "/llama3_70b_pretrain.json");
}

const HardwareBaseline& fixture_hardware() {
  static const HardwareBaseline hardware =
      hardware_baseline_file(CAPSIM_GUI_TEST_FIXTURES "/llama3_70b_pretrain.json");
  return hardware;
}

/// The fixture's document with `edit` applied to its cluster, and the chat replicas left out (they run FP8, which
/// not every GPU has).
nlohmann::json fixture_doc(const std::function<void(nlohmann::json&)>& edit) {
  std::ifstream in(CAPSIM_GUI_TEST_FIXTURES "/llama3_70b_pretrain.json");
  nlohmann::json doc = nlohmann::json::parse(in);
  doc["workloads"].erase(1);
  edit(doc["cluster"]);
  return doc;
}

const std::string kDocFile = CAPSIM_GUI_TEST_FIXTURES "/edited.json";

double step_s(const WhatIfOutcome& outcome) { return outcome.result ? outcome.result->step_time_s : -1; }

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
    QVERIFY(check_what_if(s, fixture_hardware(), 0, w).empty());
    QCOMPARE(gpus_needed(s, 0, w), 1024LL + 8LL);  // training plus 4 chat replicas of tp 2
  }

  void tp_that_does_not_divide_heads_is_a_problem_not_a_crash() {
    const planner::Scenario s = fixture_scenario();
    WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    w.tp = 6;
    w.dp = 16;
    const WhatIfOutcome outcome = evaluate_what_if(s, fixture_hardware(), 0, w, "");
    QVERIFY(!outcome.result);
    QVERIFY(mentions(outcome.problems, "tp 6 does not divide heads (64)"));
  }

  void global_batch_that_does_not_split_into_micro_batches_is_a_problem() {
    const planner::Scenario s = fixture_scenario();
    WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    w.global_batch = 1000;
    QVERIFY(mentions(check_what_if(s, fixture_hardware(), 0, w), "does not split into micro-batches"));
  }

  void more_gpus_than_the_cluster_has_is_a_problem() {
    const planner::Scenario s = fixture_scenario();
    WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    w.dp = 64;
    w.global_batch = 2048;
    QVERIFY(mentions(check_what_if(s, fixture_hardware(), 0, w), "the cluster has 1032"));
  }

  void interleaving_without_pipeline_stages_is_a_problem() {
    const planner::Scenario s = fixture_scenario();
    WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    w.pp = 1;
    w.virtual_stages = 2;
    QVERIFY(mentions(check_what_if(s, fixture_hardware(), 0, w), "needs pp > 1"));
  }

  void an_engine_refusal_becomes_a_problem() {
    const planner::Scenario s = fixture_scenario();
    const WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    const WhatIfOutcome outcome = evaluate_what_if(s, fixture_hardware(), 0, w, "no-such-engine");
    QVERIFY(!outcome.result);
    QVERIFY(mentions(outcome.problems, "no-such-engine"));
  }

  void halving_tp_halves_the_gpus_and_changes_the_step_time() {
    const planner::Scenario s = fixture_scenario();
    WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    const WhatIfOutcome before = evaluate_what_if(s, fixture_hardware(), 0, w, "analytical");
    QVERIFY(before.result.has_value());
    w.tp = 4;
    const WhatIfOutcome after = evaluate_what_if(s, fixture_hardware(), 0, w, "analytical");
    QVERIFY(after.result.has_value());
    QCOMPARE(after.result->gpus, 512);
    QVERIFY(after.result->step_time_s != before.result->step_time_s);
    QCOMPARE(after.engine, std::string("analytical"));
  }

  void evaluating_leaves_the_loaded_scenario_untouched() {
    const planner::Scenario s = fixture_scenario();
    WhatIf w = what_if_of(std::get<workloads::TrainingJob>(s.workloads[0]));
    w.tp = 4;
    evaluate_what_if(s, fixture_hardware(), 0, w, "");
    QCOMPARE(std::get<workloads::TrainingJob>(s.workloads[0]).parallelism.tp, 8);
  }

  void a_power_cap_slows_the_step_and_lowers_power_and_none_restores_it_exactly() {
    const planner::Scenario s = fixture_scenario();
    WhatIf w = what_if_of(s, fixture_hardware(), 0);
    QCOMPARE(w.gpu_power_cap_W, 0.0);
    QVERIFY(w.figures == HardwareFigures::datasheet);
    const WhatIfOutcome uncapped = evaluate_what_if(s, fixture_hardware(), 0, w, "analytical");
    QVERIFY(uncapped.result.has_value());
    w.gpu_power_cap_W = 400;
    const WhatIfOutcome capped = evaluate_what_if(s, fixture_hardware(), 0, w, "analytical");
    QVERIFY(capped.problems.empty());
    QVERIFY(step_s(capped) > step_s(uncapped));
    QVERIFY(capped.result->power.gpu_power_W < uncapped.result->power.gpu_power_W);
    QVERIFY(capped.result->power.gpu_power_W <= 400);
    w.gpu_power_cap_W = 0;
    QCOMPARE(step_s(evaluate_what_if(s, fixture_hardware(), 0, w, "analytical")), step_s(uncapped));  // bit for bit
    QCOMPARE(s.cluster.power.gpu_power_cap_W, 0.0);  // the loaded scenario is never edited
  }

  void a_power_cap_is_checked_like_the_scenario_loader_does() {
    const planner::Scenario s = fixture_scenario();
    WhatIf w = what_if_of(s, fixture_hardware(), 0);
    w.gpu_power_cap_W = 800;
    QVERIFY(mentions(check_what_if(s, fixture_hardware(), 0, w), "above the h100-sxm5-80gb's TDP"));
    w.gpu_power_cap_W = 50;
    QVERIFY(mentions(evaluate_what_if(s, fixture_hardware(), 0, w, "").problems, "not above the GPU's idle draw"));
    w.gpu_power_cap_W = 700;  // at TDP: valid, and binds nothing
    QVERIFY(check_what_if(s, fixture_hardware(), 0, w).empty());
  }

  void a_capped_file_starts_from_its_uncapped_gpu() {
    // The file's own cap and profile, read back: the what-if of the file values reproduces the file's run exactly,
    // and removing the cap gives the uncapped speed, not the capped GPU capped again.
    const nlohmann::json doc = fixture_doc([](nlohmann::json& c) {
      c["calibration"] = "builtin";
      c["power"] = {{"gpu_power_cap", "450 W"}};
    });
    const planner::Scenario s = planner::load_scenario(doc, kDocFile);
    const HardwareBaseline hardware = hardware_baseline(doc, kDocFile);
    WhatIf w = what_if_of(s, hardware, 0);
    QCOMPARE(w.gpu_power_cap_W, 450.0);
    QVERIFY(w.figures == HardwareFigures::measured);
    const double file_step = planner::run_scenario(s, "analytical").training.at(0).step_time_s;
    QCOMPARE(step_s(evaluate_what_if(s, hardware, 0, w, "analytical")), file_step);
    w.gpu_power_cap_W = 0;
    const double uncapped_step = step_s(evaluate_what_if(s, hardware, 0, w, "analytical"));
    QVERIFY(uncapped_step > 0 && uncapped_step < file_step);
    const nlohmann::json no_cap = fixture_doc([](nlohmann::json& c) { c["calibration"] = "builtin"; });
    QCOMPARE(uncapped_step,
             planner::run_scenario(planner::load_scenario(no_cap, kDocFile), "analytical").training.at(0).step_time_s);
  }

  void the_measured_profile_changes_the_result_on_h100() {
    const planner::Scenario s = fixture_scenario();
    QVERIFY(fixture_hardware().measured.has_value());
    QCOMPARE(fixture_hardware().measured_source, std::string("builtin"));
    WhatIf w = what_if_of(s, fixture_hardware(), 0);
    const WhatIfOutcome sheet = evaluate_what_if(s, fixture_hardware(), 0, w, "analytical");
    w.figures = HardwareFigures::measured;
    const WhatIfOutcome measured = evaluate_what_if(s, fixture_hardware(), 0, w, "analytical");
    QVERIFY(measured.problems.empty());
    QVERIFY(step_s(measured) > 0 && step_s(measured) != step_s(sheet));
    // The same as naming the shipped profile in the file.
    const nlohmann::json doc = fixture_doc([](nlohmann::json& c) { c["calibration"] = "builtin"; });
    const nlohmann::json plain = fixture_doc([](nlohmann::json&) {});
    const planner::Scenario plain_s = planner::load_scenario(plain, kDocFile);
    QCOMPARE(step_s(evaluate_what_if(plain_s, hardware_baseline(plain, kDocFile), 0, w, "analytical")),
             planner::run_scenario(planner::load_scenario(doc, kDocFile), "analytical").training.at(0).step_time_s);
    w.gpu_power_cap_W = 400;  // the cap goes on after the profile
    QVERIFY(step_s(evaluate_what_if(s, fixture_hardware(), 0, w, "analytical")) > step_s(measured));
  }

  void the_measured_profile_is_refused_on_a100() {
    const nlohmann::json doc = fixture_doc([](nlohmann::json& c) { c["gpu"] = "a100-sxm4-80gb"; });
    const planner::Scenario s = planner::load_scenario(doc, kDocFile);
    const HardwareBaseline hardware = hardware_baseline(doc, kDocFile);
    QVERIFY(!hardware.measured.has_value());
    WhatIf w = what_if_of(s, hardware, 0);
    QVERIFY(chosen_cluster(hardware, w) != nullptr);
    w.figures = HardwareFigures::measured;
    QVERIFY(chosen_cluster(hardware, w) == nullptr);
    const WhatIfOutcome outcome = evaluate_what_if(s, hardware, 0, w, "analytical");
    QVERIFY(!outcome.result);
    QVERIFY(mentions(outcome.problems, "no measured profile for a100-sxm4-80gb"));
  }
};

int run_what_if_tests(int argc, char** argv) {
  WhatIfTest tests;
  return QTest::qExec(&tests, argc, argv);
}

}  // namespace capsim::gui::test

#include "what_if_test.moc"
