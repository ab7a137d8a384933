#pragma once
/// @file qt_text.hpp
/// std::string (UTF-8, as every CapSim result holds text) to QString, for the PDF report and the desktop app.

#include <QString>

#include <string>

namespace capsim::planner::report {

inline QString qstr(const std::string& text) { return QString::fromStdString(text); }

}  // namespace capsim::planner::report
