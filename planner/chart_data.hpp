#pragma once
/// @file chart_data.hpp
/// What the GUI (and reports) draw, computed from results by pure functions: no Qt, no drawing. Widgets only paint
/// these series, so everything a chart shows is tested here with GoogleTest.

#include <string>
#include <vector>

#include "sim/engine.hpp"

namespace capsim::planner {

/// Bars, one per named part, in the order the parts occur. Values are in SI base units (`unit` says which).
struct BarSeries {
  std::string title;                     ///< e.g. "Step-time breakdown"
  std::string unit;                      ///< SI unit of `values`: "s", "B", ...
  std::vector<std::string> keys;         ///< machine names as the result spells them ("tp_comm")
  std::vector<std::string> labels;       ///< names for people ("Tensor-parallel comm")
  std::vector<std::string> groups;       ///< what kind of time each bar is: "compute", "communication" or "idle"
  std::vector<double> values;            ///< one per bar, in `unit`
  std::vector<double> shares;            ///< value / sum of values, 0..1 (0 when the sum is 0)
  std::vector<std::string> value_texts;  ///< value formatted with capsim::units plus its share: "1.52 s (43.1%)"
  double total = 0;                      ///< sum of `values`, in `unit`
};

/// Parts stacked into one bar, drawn against a limit (memory against HBM capacity).
struct StackSeries {
  std::string title;                     ///< e.g. "Memory per GPU"
  std::string unit;                      ///< SI unit of every value: "B"
  std::vector<std::string> labels;       ///< one per part, bottom of the stack first
  std::vector<double> values;            ///< one per part, in `unit`; zero parts are kept so colours stay stable
  std::vector<std::string> value_texts;  ///< formatted with capsim::units: "35.0 GiB"
  double total = 0;                      ///< sum of `values`
  std::string total_text;                ///< e.g. "62.1 GiB"
  double limit = 0;                      ///< the line the stack must stay under (0 = none), in `unit`
  std::string limit_label;               ///< e.g. "HBM capacity 80.0 GiB"
  bool within_limit = true;              ///< total <= limit (or no limit)
};

/// One line of the summary table: a metric and its value, formatted for people.
struct SummaryRow {
  std::string label;      ///< "Step time"
  std::string value;      ///< "3.53 s"
  std::string brief;      ///< a shorter value for a headline card ("121 GiB of 74.5 GiB"); "" = same as `value`
  bool headline = false;  ///< one of the few numbers a planner reads first (step time, tokens/s, MFU, memory, time)
  bool warning = false;   ///< the value signals a problem (does not fit in memory)
};

/// Name for people of a breakdown part ("tp_comm" -> "Tensor-parallel comm"); unknown keys are spelled out
/// ("foo_bar" -> "Foo bar").
std::string breakdown_label(const std::string& key);

/// What kind of time a breakdown part is: "compute" (compute, optimizer), "communication" (every *_comm part and
/// param_gather) or "idle" (bubble and anything else a GPU waits through).
std::string breakdown_group(const std::string& key);

/// The step-time breakdown of `result` as horizontal bars, seconds: parts in step order, parts of exactly zero
/// dropped.
BarSeries make_breakdown_series(const sim::TrainingResult& result);

/// Memory one GPU needs, bytes: weights, gradients, optimizer states, activations and buffers (in that order),
/// against the GPU's HBM capacity.
StackSeries make_memory_series(const sim::TrainingResult& result);

/// The numbers a planner reads, headline rows first (step time, tokens/s, MFU, memory per GPU, time to train), then
/// details, then the result's notes and memory advice. Every number is formatted with capsim::units.
std::vector<SummaryRow> make_summary_rows(const sim::TrainingResult& result);

}  // namespace capsim::planner
