/// @file gui_test_main.cpp
/// One QApplication for every QtTest class of capsim-gui (QApplication may exist once per process).

#include "tests/gui/gui_test_main.hpp"

#include <QApplication>
#include <QStandardPaths>

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  // Recent files and the like go to a test folder, never to the user's settings.
  QStandardPaths::setTestModeEnabled(true);
  int failures = 0;
  failures += capsim::gui::test::run_summary_table_model_tests(argc, argv);
  failures += capsim::gui::test::run_what_if_tests(argc, argv);
  failures += capsim::gui::test::run_main_window_tests(argc, argv);
  failures += capsim::gui::test::run_study_view_tests(argc, argv);
  failures += capsim::gui::test::run_result_views_tests(argc, argv);
  failures += capsim::gui::test::run_editors_tests(argc, argv);
  failures += capsim::gui::test::run_planner_desk_tests(argc, argv);
  return failures == 0 ? 0 : 1;
}
