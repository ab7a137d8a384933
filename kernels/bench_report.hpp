#pragma once
/// @file bench_report.hpp
/// What a benchmark body records, as plain values. bench_common.cpp turns it into the JSON document, so that the
/// benchmark sources stay free of the JSON library (it doubles their compile time).

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace capsim::bench {

/// One recorded value: an integer, a number, a flag, a text or a list of texts.
using FieldValue = std::variant<std::int64_t, std::uint64_t, double, bool, std::string, std::vector<std::string>>;

/// A flat JSON object, in the order its fields were given.
using Fields = std::vector<std::pair<std::string, FieldValue>>;

/// The body of a raw calibration document: the settings of the run, what it measured and what it could not.
struct Report {
  Fields settings;                   ///< how the run measured (repeats, statistic, library version, ...)
  std::vector<Fields> measurements;  ///< one object per measurement
  std::vector<Fields> skipped;       ///< cases that could not run, each with a "reason"
  std::vector<Fields> power;         ///< board power during sustained activity (power_sampler.hpp), if measured
};

}  // namespace capsim::bench
