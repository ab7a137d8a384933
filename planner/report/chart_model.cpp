#include "planner/report/chart_model.hpp"

#include <array>

namespace capsim::planner::report {

std::string palette_color(std::size_t i) {
  // Tableau 10: distinct hues that stay apart for colour-blind readers and in greyscale print.
  static constexpr std::array<const char*, 10> kPalette = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                                           "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return kPalette[i % kPalette.size()];
}

}  // namespace capsim::planner::report
