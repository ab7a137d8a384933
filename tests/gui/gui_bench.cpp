/// @file gui_bench.cpp
/// capsim-gui's speed targets (issue 17, DESIGN.md): the window opens with the default study in under 1 s on the
/// 2-core machine, and a what-if change of a study redraws in under 100 ms. Benchmarks, not tests: run
/// `QT_QPA_PLATFORM=offscreen build/tests/gui/capsim_gui_bench`.

#include <benchmark/benchmark.h>

#include <QApplication>
#include <QDoubleSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "gui/main_window.hpp"
#include "gui/study_page.hpp"
#include "gui/study_panel.hpp"

namespace {

const QString kStudy = QStringLiteral(CAPSIM_GUI_BENCH_SCENARIOS "/studies/70b-pretrain.json");
/// The bundled studies the what-if benchmark edits: training only, services growing, and a fleet-backed mix.
const char* const kStudies[] = {"70b-pretrain", "chat-growth", "mixed-lab"};

/// Builds the window, opens the default study, plans it and paints the window once: what a planner waits for.
void BM_OpenDefaultStudy(benchmark::State& state) {
  QTemporaryDir autosave;
  for (auto _ : state) {
    capsim::gui::MainWindow window(nullptr, autosave.path());
    window.setAttribute(Qt::WA_DontShowOnScreen);
    window.show();
    window.open_file(kStudy);
    window.wait_idle();
    benchmark::DoNotOptimize(window.grab());
  }
}
BENCHMARK(BM_OpenDefaultStudy)->Unit(benchmark::kMillisecond);

/// One what-if edit of an open study (electricity price, alternating): plan, redraw every chart, paint.
void BM_WhatIfRedraw(benchmark::State& state) {
  QTemporaryDir autosave;
  capsim::gui::MainWindow window(nullptr, autosave.path());
  window.setAttribute(Qt::WA_DontShowOnScreen);
  window.show();
  const char* study = kStudies[state.range(0)];
  state.SetLabel(study);
  window.open_file(QStringLiteral(CAPSIM_GUI_BENCH_SCENARIOS "/studies/%1.json").arg(QLatin1String(study)));
  window.wait_idle();
  capsim::gui::StudyPanel* panel = window.study_page()->panel();
  panel->set_debounce_ms(0);
  auto* electricity = panel->findChild<QDoubleSpinBox*>(QStringLiteral("electricity"));
  const double base = electricity->value();
  int k = 0;
  for (auto _ : state) {
    electricity->setValue(base * (1.2 + 0.1 * (k++ % 2)));
    panel->apply_now();
    window.wait_idle();
    benchmark::DoNotOptimize(window.grab());
  }
}
BENCHMARK(BM_WhatIfRedraw)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QStandardPaths::setTestModeEnabled(true);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
