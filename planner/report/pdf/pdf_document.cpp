#include "planner/report/pdf/pdf_document.hpp"

#include <QPageLayout>
#include <QPageSize>
#include <algorithm>
#include <numeric>

#include "planner/report/pdf/qt_text.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner::report {

namespace {

constexpr double kPadX = 6, kPadY = 3;  // cell padding, pixels
constexpr double kFooterPx = 22;
constexpr double kTableGap = 12;  // space under a table
const QColor kText(0x24, 0x29, 0x2f);
const QColor kMuted(0x57, 0x60, 0x6a);
const QColor kRule(0xd0, 0xd7, 0xde);
const QColor kHeaderFill(0xf6, 0xf8, 0xfa);
const QColor kEmphasisFill(0xee, 0xf4, 0xfb);
const QColor kBadgeFill(0xff, 0xf3, 0xcd);

QFont sized(QFont font, double points, bool bold) {
  font.setPointSizeF(points);
  font.setBold(bold);
  return font;
}

}  // namespace

PdfDocument::PdfDocument(const QString& path, const QString& title, const QString& footer)
    : writer_(path), footer_(footer) {
  writer_.setPageSize(QPageSize(QPageSize::A4));
  writer_.setPageOrientation(QPageLayout::Landscape);
  writer_.setPageMargins(QMarginsF(12, 12, 12, 10), QPageLayout::Millimeter);
  writer_.setResolution(96);  // pixels as on screen, so charts and fonts keep their on-screen proportions
  writer_.setTitle(title);
  writer_.setCreator(QStringLiteral("CapSim"));
  if (!painter_.begin(&writer_)) throw Error("cannot write the PDF " + path.toStdString());
  painter_.setMode(QCPPainter::pmVectorized);
  body_ = sized(QApplication::font(), 9, false);
  width_ = writer_.width();
  height_ = writer_.height() - kFooterPx;
}

PdfDocument::~PdfDocument() {
  if (painter_.isActive()) painter_.end();
}

int PdfDocument::content_width() const { return static_cast<int>(width_); }

double PdfDocument::space_left() const { return height_ - y_; }

double PdfDocument::text_height(const QString& text, const QFont& font, double width) const {
  const QFontMetricsF metrics(font, const_cast<QPdfWriter*>(&writer_));
  return metrics.boundingRect(QRectF(0, 0, width, 1e6), Qt::TextWordWrap, text).height();
}

void PdfDocument::footer() {
  painter_.setFont(sized(body_, 7.5, false));
  painter_.setPen(kMuted);
  const QRectF line(0, height_ + 6, width_, kFooterPx - 6);
  painter_.drawText(line, Qt::AlignLeft | Qt::AlignBottom, footer_);
  painter_.drawText(line, Qt::AlignRight | Qt::AlignBottom, QStringLiteral("page %1").arg(page_));
}

void PdfDocument::new_page() {
  footer();
  writer_.newPage();
  ++page_;
  y_ = 0;
  page_empty_ = true;
}

void PdfDocument::ensure(double height) {
  if (!page_empty_ && y_ + height > height_) new_page();
}

void PdfDocument::space(double px) { y_ += px; }

void PdfDocument::title(const std::string& text, const std::string& subtitle) {
  const QFont font = sized(body_, 18, true);
  painter_.setFont(font);
  painter_.setPen(kText);
  const double h = text_height(qstr(text), font, width_);
  painter_.drawText(QRectF(0, y_, width_, h), Qt::TextWordWrap, qstr(text));
  y_ += h + 2;
  const QFont small = sized(body_, 8.5, false);
  const double sh = text_height(qstr(subtitle), small, width_);
  painter_.setFont(small);
  painter_.setPen(kMuted);
  painter_.drawText(QRectF(0, y_, width_, sh), Qt::TextWordWrap, qstr(subtitle));
  y_ += sh + 8;  // the title does not fill the page: the first section still starts on it
}

void PdfDocument::heading(const std::string& text, bool own_page, double keep_px) {
  const QFont font = sized(body_, 14, true);
  const double h = text_height(qstr(text), font, width_);
  if (own_page && !page_empty_) new_page();
  ensure(h + keep_px);
  y_ += page_empty_ ? 0 : 10;
  painter_.setFont(font);
  painter_.setPen(kText);
  painter_.drawText(QRectF(0, y_, width_, h), Qt::TextWordWrap, qstr(text));
  y_ += h + 3;
  painter_.setPen(QPen(kRule, 1));
  painter_.drawLine(QPointF(0, y_), QPointF(width_, y_));
  y_ += 8;
  page_empty_ = false;
}

void PdfDocument::subheading(const std::string& text, double keep_px) {
  const QFont font = sized(body_, 11, true);
  const double h = text_height(qstr(text), font, width_);
  ensure(h + 10 + std::min(keep_px, height_ / 2));
  y_ += 6;
  painter_.setFont(font);
  painter_.setPen(kText);
  painter_.drawText(QRectF(0, y_, width_, h), Qt::TextWordWrap, qstr(text));
  y_ += h + 4;
  page_empty_ = false;
}

void PdfDocument::paragraph(const std::string& text, bool bold, const QColor& color) {
  if (text.empty()) return;
  const QFont font = sized(body_, bold ? 11 : 9, bold);
  const double h = text_height(qstr(text), font, width_);
  ensure(h);
  painter_.setFont(font);
  painter_.setPen(color);
  painter_.drawText(QRectF(0, y_, width_, h), Qt::TextWordWrap, qstr(text));
  y_ += h + 6;
  page_empty_ = false;
}

void PdfDocument::bullets(const std::vector<std::string>& items, const QColor& color) {
  constexpr double kIndent = 18;
  for (const std::string& item : items) {
    const double h = text_height(qstr(item), body_, width_ - kIndent);
    ensure(h);
    painter_.setFont(body_);
    painter_.setPen(color);
    painter_.drawText(QRectF(4, y_, kIndent, h), QString(QChar(0x2022)));
    painter_.drawText(QRectF(kIndent, y_, width_ - kIndent, h), Qt::TextWordWrap, qstr(item));
    y_ += h + 3;
    page_empty_ = false;
  }
  if (!items.empty()) y_ += 4;
}

std::vector<double> PdfDocument::column_widths(const Table& table) const {
  const QFontMetricsF body(body_, const_cast<QPdfWriter*>(&writer_));
  const QFontMetricsF bold(sized(body_, body_.pointSizeF(), true), const_cast<QPdfWriter*>(&writer_));
  std::vector<double> natural(table.header.size(), 0);
  for (std::size_t c = 0; c < natural.size(); ++c) {
    natural[c] = bold.horizontalAdvance(qstr(table.header[c]));
    for (const auto& row : table.rows) {
      if (c < row.size()) natural[c] = std::max(natural[c], bold.horizontalAdvance(qstr(row[c])));
    }
    natural[c] += 2 * kPadX + 2;
  }
  if (std::accumulate(natural.begin(), natural.end(), 0.0) <= width_) return natural;
  // Columns narrower than a fair share keep their width; the wide ones share the rest in proportion and wrap.
  std::vector<bool> fixed(natural.size(), false);
  double left = width_;
  for (bool changed = true; changed;) {
    changed = false;
    const auto open = static_cast<double>(std::count(fixed.begin(), fixed.end(), false));
    for (std::size_t c = 0; c < natural.size(); ++c) {
      if (!fixed[c] && natural[c] <= left / open) {
        fixed[c] = true;
        left -= natural[c];
        changed = true;
        break;
      }
    }
  }
  double wide = 0;
  for (std::size_t c = 0; c < natural.size(); ++c) wide += fixed[c] ? 0 : natural[c];
  std::vector<double> widths = natural;
  for (std::size_t c = 0; c < natural.size(); ++c) {
    if (!fixed[c]) widths[c] = natural[c] * left / wide;
  }
  return widths;
}

std::vector<double> PdfDocument::row_heights(const Table& table, const std::vector<double>& widths) const {
  const QFont bold = sized(body_, body_.pointSizeF(), true);
  const auto height = [&](const std::vector<std::string>& cells, const QFont& font) {
    double h = 0;
    for (std::size_t c = 0; c < std::min(cells.size(), widths.size()); ++c) {
      h = std::max(h, text_height(qstr(cells[c]), font, widths[c] - 2 * kPadX));
    }
    return h + 2 * kPadY;
  };
  std::vector<double> heights{height(table.header, bold)};
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const bool em = r < table.emphasized.size() && table.emphasized[r];
    heights.push_back(height(table.rows[r], em ? bold : body_));
  }
  return heights;
}

double PdfDocument::table_height(const Table& table) const {
  if (table.header.empty()) return 0;
  const std::vector<double> heights = row_heights(table, column_widths(table));
  return std::accumulate(heights.begin(), heights.end(), 0.0) + kTableGap;
}

void PdfDocument::table(const Table& table, int badge_column) {
  if (table.header.empty()) return;
  const std::vector<double> widths = column_widths(table);
  const std::vector<double> heights = row_heights(table, widths);  // the header's first
  const double total = std::accumulate(widths.begin(), widths.end(), 0.0);
  const QFont bold = sized(body_, body_.pointSizeF(), true);
  const auto draw_row = [&](const std::vector<std::string>& cells, bool em, const QColor& fill, double h,
                            bool header_row) {
    if (fill.isValid()) painter_.fillRect(QRectF(0, y_, total, h), fill);
    painter_.setFont(em ? bold : body_);
    double x = 0;
    for (std::size_t c = 0; c < std::min(cells.size(), widths.size()); ++c) {
      const bool numeric = c < table.numeric.size() && table.numeric[c];
      const QRectF cell(x + kPadX, y_ + kPadY, widths[c] - 2 * kPadX, h - 2 * kPadY);
      if (static_cast<int>(c) == badge_column && !cells[c].empty() && !header_row) {
        const QRectF text = painter_.boundingRect(cell, Qt::AlignLeft, qstr(cells[c]));
        painter_.setPen(QPen(QColor(0xd4, 0xa7, 0x2c), 0.8));
        painter_.setBrush(kBadgeFill);
        painter_.drawRoundedRect(text.adjusted(-3, -1, 3, 1), 3, 3);
        painter_.setBrush(Qt::NoBrush);
      }
      painter_.setPen(kText);
      painter_.drawText(cell, Qt::TextWordWrap | (numeric ? Qt::AlignRight : Qt::AlignLeft), qstr(cells[c]));
      x += widths[c];
    }
    painter_.setPen(QPen(kRule, 0.8));
    painter_.drawLine(QPointF(0, y_ + h), QPointF(total, y_ + h));
    y_ += h;
  };
  const auto header = [&] { draw_row(table.header, true, kHeaderFill, heights[0], true); };
  // A table that fits on a page is kept whole; a longer one starts with at least its header and first row.
  const double whole = std::accumulate(heights.begin(), heights.end(), 0.0);
  ensure(whole <= height_ ? whole : heights[0] + (heights.size() > 1 ? heights[1] : 0));
  header();
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const bool em = r < table.emphasized.size() && table.emphasized[r];
    if (y_ + heights[r + 1] > height_) {
      new_page();
      header();
    }
    draw_row(table.rows[r], em, em ? kEmphasisFill : QColor(), heights[r + 1], false);
  }
  y_ += kTableGap;
  page_empty_ = false;
}

void PdfDocument::chart(QCustomPlot& plot, int height) {
  ensure(height);
  painter_.save();
  painter_.translate(0, y_);
  plot.toPainter(&painter_, content_width(), height);
  painter_.restore();
  y_ += height + 10;
  page_empty_ = false;
}

bool PdfDocument::finish() {
  footer();
  return painter_.end();
}

}  // namespace capsim::planner::report
