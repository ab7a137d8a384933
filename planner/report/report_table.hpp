#pragma once
/// @file report_table.hpp
/// A table of a report as text cells, formatted once (capsim::units) and drawn by the HTML writer and the PDF
/// painter alike.

#include <string>
#include <utility>
#include <vector>

namespace capsim::planner::report {

/// Rows of text under a header. Every row has one cell per header column.
struct Table {
  std::vector<std::string> header;
  std::vector<bool> numeric;  ///< per column: right-aligned figures
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> emphasized;  ///< per row: drawn bold (the recommended option, a total)

  /// Appends a row; `bold` sets its emphasis.
  void add(std::vector<std::string> cells, bool bold = false) {
    rows.push_back(std::move(cells));
    emphasized.push_back(bold);
  }
};

}  // namespace capsim::planner::report
