#pragma once
/// @file job_generator.hpp
/// Synthetic job mixes for the fleet engine, each drawn from a published description:
///  - "philly-gavel": the Philly-derived mix of Gavel's artifact (scheduler/utils.py): Poisson arrivals; 1, 2, 4 or
///    8 GPUs with p 0.70, 0.10, 0.15, 0.05; duration 60 x 10^U(1.5, 3) s with p 0.8, else 60 x 10^U(3, 4) s; an
///    SLO factor of 1.2, 2 or 10 times the duration as a deadline.
///  - "llm-lab": an LLM-era lab, shaped after the Acme traces (InternLM/AcmeTrace, NSDI'24: median 1 GPU, mean 5.7
///    (Seren) to 26.8 (Kalos), up to 1,024; median run about 2 minutes, mean about 23): 70% evaluation jobs (1-8
///    GPUs, lognormal, median 10 min), 27% fine-tuning (8-64 GPUs, median 3 h), 3% pre-training gangs (128-1,024
///    GPUs, median 2 days). The split and medians are this project's estimate; the trace gives no per-kind table.

#include <cstdint>
#include <vector>

#include "sim/fleet/fleet_spec.hpp"

namespace capsim::fleet {

/// The jobs of `g`, seeded by `seed` (each generator draws from its own stream). Gangs are capped at `max_gpus`
/// (the generator's own cap, else the cluster). `horizon_s` ends arrivals when the generator gives no end.
std::vector<FleetJob> generate_jobs(const Generator& g, std::uint64_t seed, int cluster_gpus, double horizon_s);

/// Mean GPUs per job and mean duration of a mix's draws (for docs and tests), from `samples` draws.
std::pair<double, double> mix_means(MixKind mix, int samples, std::uint64_t seed);

}  // namespace capsim::fleet
