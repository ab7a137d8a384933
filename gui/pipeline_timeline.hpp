#pragma once
/// @file pipeline_timeline.hpp
/// The pipeline timeline of one training step from the discrete-event engine: per pipeline stage a compute lane
/// (forward and backward passes of each micro-batch) and a communication lane, read from the Chrome trace the DES
/// writes (`--trace`, sim/des/trace_writer.hpp). The reader is Qt-free; the widget draws the lanes with QCustomPlot.

#include <QWidget>
#include <optional>
#include <string>
#include <vector>

class QCustomPlot;
class QLabel;

namespace capsim::gui {

/// One bar of the timeline.
struct TimelineBar {
  int lane = 0;          ///< index into Timeline::lanes
  double start_s = 0;
  double end_s = 0;
  std::string name;      ///< "F3", "B12.1", "dp reduce-scatter", ...
};

struct Timeline {
  std::vector<std::string> lanes;  ///< "stage 0 compute", "stage 0 communication", ...
  std::vector<TimelineBar> bars;
  double end_s = 0;                ///< the last bar's end
  bool truncated = false;          ///< more bars than kMaxBars: the first ones are kept
};

/// At most this many bars are read (a step of 64 micro-batches on 16 stages has about 4,000).
inline constexpr std::size_t kMaxTimelineBars = 50'000;

/// Reads a Chrome trace written by the DES. Returns std::nullopt with `error` set when the file cannot be read or is
/// not such a trace.
std::optional<Timeline> read_timeline(const std::string& path, std::string* error);

/// The timeline widget: lanes top to bottom, forward passes blue, backward passes orange, communication grey.
class PipelineTimeline : public QWidget {
  Q_OBJECT

 public:
  explicit PipelineTimeline(QWidget* parent = nullptr);
  void set_timeline(const Timeline& timeline, const QString& title);
  /// Shows `why` instead of a timeline.
  void clear(const QString& why);
  QCustomPlot* plot() const { return plot_; }
  /// Bars drawn (tests).
  int bar_count() const { return bars_; }

 private:
  QCustomPlot* plot_ = nullptr;
  QLabel* note_ = nullptr;
  int bars_ = 0;
};

}  // namespace capsim::gui
