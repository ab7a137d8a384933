#include "gui/axis_tickers.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include "sim/core/units.hpp"

namespace capsim::gui {

namespace {

/// The step of 1, 2 or 5 times a power of ten nearest to `raw` (on a log scale).
double nice_step(double raw) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-12))));
  double best = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (std::fabs(std::log(m * magnitude / raw)) < std::fabs(std::log(best / raw))) best = m * magnitude;
  }
  return best;
}

/// A round step in `units` (the largest of them that the range's far end reaches), about `ticks` per range.
double step_in_units(const QCPRange& range, int ticks, std::initializer_list<double> units) {
  const double far_end = std::max(std::fabs(range.lower), std::fabs(range.upper));
  double unit = *units.begin();
  for (double u : units) {
    if (far_end >= u) unit = u;
  }
  return nice_step(range.size() / unit / std::max(1, ticks)) * unit;
}

}  // namespace

double TimeAxisTicker::getTickStep(const QCPRange& range) {
  // The units format_time switches between, so that ticks land on "1.00 min", "2.00 min" rather than "1.67 min".
  return step_in_units(range, mTickCount, {1e-9, 1e-6, 1e-3, 1.0, 60.0, 3600.0, 86400.0});
}

QString TimeAxisTicker::getTickLabel(double tick, const QLocale&, QChar, int) {
  // The tick at zero comes out as round-off (1e-17 s), which would print as a tiny time instead of "0 s".
  if (std::fabs(tick) < 1e-12) tick = 0;
  return QString::fromStdString(units::format_time(tick));
}

double BytesAxisTicker::getTickStep(const QCPRange& range) {
  // Whole binary units (GiB, MiB), so labels read "20.0 GiB" rather than "18.6 GiB".
  return step_in_units(range, mTickCount, {1.0, 0x1p10, 0x1p20, 0x1p30, 0x1p40, 0x1p50});
}

QString BytesAxisTicker::getTickLabel(double tick, const QLocale&, QChar, int) {
  if (std::fabs(tick) < 0.5) tick = 0;
  return QString::fromStdString(units::format_bytes(tick));
}

}  // namespace capsim::gui
