#pragma once
/// @file pdf_document.hpp
/// A multi-page A4 landscape PDF written top to bottom: headings, paragraphs, bullet lists, tables that continue on
/// the next page with their header repeated, and QCustomPlot charts drawn as vectors. Private to the PDF report.

#include <qcustomplot.h>

#include <QPdfWriter>
#include <string>
#include <vector>

#include "planner/report/report_table.hpp"

namespace capsim::planner::report {

/// The PDF being written. Every block starts on a new page when the rest of the page cannot hold it (a table row at
/// the least); the footer names the document and the page.
class PdfDocument {
 public:
  /// Opens `path` for writing. `footer` is printed at the bottom of every page with the page number.
  PdfDocument(const QString& path, const QString& title, const QString& footer);
  PdfDocument(const PdfDocument&) = delete;
  PdfDocument& operator=(const PdfDocument&) = delete;
  ~PdfDocument();

  /// Width of the printable area, pixels (96 per inch).
  int content_width() const;
  /// Height left on the current page, pixels.
  double space_left() const;

  void new_page();
  /// The document's title, large, and a line under it; the first section still starts on this page.
  void title(const std::string& text, const std::string& subtitle);
  /// A section heading, on a new page when `own_page` (unless the page is still empty), else wherever `keep_px` of
  /// the section fit under it.
  void heading(const std::string& text, bool own_page = true, double keep_px = 140);
  /// A heading inside a section, kept on one page with `keep_px` of what follows (at most half a page).
  void subheading(const std::string& text, double keep_px = 60);
  void paragraph(const std::string& text, bool bold = false, const QColor& color = QColor(0x24, 0x29, 0x2f));
  void bullets(const std::vector<std::string>& items, const QColor& color = QColor(0x24, 0x29, 0x2f));
  /// `table` with columns as wide as their text allows (wrapping the widest), figures right-aligned, emphasized rows
  /// bold; a non-empty cell of `badge_column` on an amber badge.
  void table(const Table& table, int badge_column = -1);
  /// Pixels `table` takes when drawn whole, the space under it included.
  double table_height(const Table& table) const;
  /// Renders `plot` (already filled, `height` pixels tall at the content width) at the cursor.
  void chart(QCustomPlot& plot, int height);
  void space(double px);

  /// Ends the last page and closes the file; false when Qt could not write it.
  bool finish();
  int pages() const { return page_; }

 private:
  void ensure(double height);
  void footer();
  double text_height(const QString& text, const QFont& font, double width) const;
  std::vector<double> column_widths(const Table& table) const;
  /// The header's height, then each row's, at `widths`.
  std::vector<double> row_heights(const Table& table, const std::vector<double>& widths) const;

  QPdfWriter writer_;
  QCPPainter painter_;
  QString footer_;
  QFont body_;
  double width_ = 0, height_ = 0, y_ = 0;
  int page_ = 1;
  bool page_empty_ = true;
};

}  // namespace capsim::planner::report
