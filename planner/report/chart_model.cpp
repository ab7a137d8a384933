#include "planner/report/chart_model.hpp"

#include <array>

namespace capsim::planner::report {

std::string palette_color(std::size_t i) {
  // Tableau 20: ten distinct hues that stay apart for colour-blind readers, then their light shades.
  static constexpr std::array<const char*, 20> kPalette = {
      "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
      "#a0cbe8", "#ffbe7d", "#8cd17d", "#ff9d9a", "#86bcb6", "#f1ce63", "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e"};
  return kPalette[i % kPalette.size()];
}

}  // namespace capsim::planner::report
