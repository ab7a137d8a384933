#pragma once
/// @file placement_summary.hpp
/// The `storage.placement` part of `capsim run`'s summary: where the dataset and checkpoints live, the read hit rate,
/// the checkpoint drain against the interval, bytes and monthly cost per tier.

#include <ostream>

#include "sim/engine.hpp"

namespace capsim::cli {

/// Prints the "Data loading" line of a placement whose dataset has a hot tier (the hot and warm shares of the reads);
/// returns false, printing nothing, otherwise.
bool print_blended_data_loading(const sim::StorageResult& st, std::ostream& out);

/// Prints the placement lines of a training workload's storage result; prints nothing without a placement.
void print_placement(const sim::StorageResult& st, std::ostream& out);

}  // namespace capsim::cli
