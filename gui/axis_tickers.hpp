#pragma once
/// @file axis_tickers.hpp
/// QCustomPlot axis tickers whose labels come from capsim::units, so chart axes read like the rest of CapSim
/// ("500 ms", "2.00 min", "40.0 GiB") instead of bare numbers.

#include <qcustomplot.h>

namespace capsim::gui {

/// Ticks on an axis in seconds at round steps of the unit units::format_time picks for the range (2 s, 1 min, 6 h),
/// labelled with units::format_time.
class TimeAxisTicker : public QCPAxisTicker {
 protected:
  double getTickStep(const QCPRange& range) override;
  QString getTickLabel(double tick, const QLocale& locale, QChar format_char, int precision) override;
};

/// Ticks on an axis in bytes at round binary steps (1, 2, 5, 10, ... GiB), labelled with units::format_bytes.
class BytesAxisTicker : public QCPAxisTicker {
 protected:
  double getTickStep(const QCPRange& range) override;
  QString getTickLabel(double tick, const QLocale& locale, QChar format_char, int precision) override;
};

}  // namespace capsim::gui
