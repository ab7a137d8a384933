#pragma once
/// @file gui_test_main.hpp
/// Entry points of the QtTest classes in this folder; gui_test_main.cpp runs them all under one QApplication.

namespace capsim::gui::test {

/// Each runs one QtTest class with QTest::qExec and returns its number of failures.
int run_summary_table_model_tests(int argc, char** argv);
int run_what_if_tests(int argc, char** argv);
int run_main_window_tests(int argc, char** argv);
int run_study_view_tests(int argc, char** argv);
int run_result_views_tests(int argc, char** argv);
int run_editors_tests(int argc, char** argv);
int run_planner_desk_tests(int argc, char** argv);

}  // namespace capsim::gui::test
