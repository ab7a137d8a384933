#pragma once
/// @file qt_app.hpp
/// A QApplication for code that draws with Qt widgets outside the desktop app (the PDF report, run from the CLI).

namespace capsim::planner::report {

/// Makes sure a QApplication exists: when there is none, creates one that lives until the process ends, on the
/// offscreen platform when QT_QPA_PLATFORM is unset and there is no DISPLAY or WAYLAND_DISPLAY (a server, CI).
/// Throws capsim::Error when a QCoreApplication that is not a QApplication already runs (widgets cannot draw then).
void ensure_qt_app();

}  // namespace capsim::planner::report
