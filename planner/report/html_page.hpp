#pragma once
/// @file html_page.hpp
/// The frame of CapSim's HTML reports: one self-contained page (inline CSS, no script, no external resource) and
/// its tables and lists, every text escaped.

#include <string>
#include <vector>

#include "planner/report/report_table.hpp"

namespace capsim::planner::report {

/// The page up to and including `<body>`: doctype, UTF-8, `title` (escaped) and the report's inline style sheet.
std::string html_page_begin(const std::string& title);

/// A footer line and the closing tags.
std::string html_page_end();

/// `table` as an HTML table (figures right-aligned, emphasized rows bold) in a horizontally scrolling box. A
/// non-empty cell of column `badge_column` (if any) is drawn as a badge, e.g. the "estimate" marker of a price.
std::string html_table(const Table& table, int badge_column = -1);

/// An unordered list of `items` (escaped); "" for no items. `css_class` is put on the list when not empty.
std::string html_list(const std::vector<std::string>& items, const std::string& css_class = "");

/// A row of headline figures, each a big value over its label.
struct HeadlineCard {
  std::string label;
  std::string value;
  bool warning = false;
};

/// The headline figures as cards.
std::string html_cards(const std::vector<HeadlineCard>& cards);

}  // namespace capsim::planner::report
