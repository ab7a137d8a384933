#include "planner/search/design_search.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "models/hardware/gemm_model.hpp"
#include "models/network/nccl_collectives.hpp"
#include "sim/analytical/analytical_engine.hpp"
#include "sim/analytical/training_memory.hpp"

namespace capsim::planner::search {

namespace {

constexpr int kRecomputeChoices = 3;  // none, selective, full
constexpr int kZeroStages = 4;        // 0 to 3

/// Expert-parallel degrees of a layout with dp x cp ranks per stage: divisors of the experts that divide dp x cp.
void expert_degrees(const workloads::TransformerModel& m, int dp_cp, std::vector<int>& out) {
  out.clear();
  if (!m.is_moe()) {
    out.push_back(1);
    return;
  }
  for (int ep = 1; ep <= m.experts && ep <= dp_cp; ++ep) {
    if (m.experts % ep == 0 && dp_cp % ep == 0) out.push_back(ep);
  }
}

}  // namespace

std::vector<Chunk> make_chunks(const SearchProblem& problem) {
  std::vector<Chunk> chunks;
  const int layers = problem.job.model.layers;
  for (std::uint32_t v = 0; v < problem.variants.size(); ++v) {
    const int gpus = problem.variants[v].gpus;
    for (const int tp : problem.tp_values) {
      if (gpus % tp != 0) continue;
      const int rest = gpus / tp;
      for (int pp = 1; pp <= std::min({layers, problem.spec.max_pp, rest}); ++pp) {
        if (rest % pp == 0) chunks.push_back(Chunk{v, tp, pp});
      }
    }
  }
  return chunks;
}

void evaluate_chunk(const SearchProblem& problem, const Chunk& chunk, std::uint32_t chunk_id, SearchTally& tally) {
  const Variant& v = problem.variants[chunk.variant];
  const SearchSpec& spec = problem.spec;
  // Built once per chunk rather than per layout: they depend on the cluster alone (building the collectives plans
  // the fabric, 6% of a search's time when it was done per layout).
  const hw::GemmModel gemm(v.cluster.gpu, hw::Clocks::sustained);
  const net::NcclCollectives collectives(v.cluster);
  workloads::TrainingJob job = problem.job;
  job.precision = v.precision;
  workloads::Parallelism& p = job.parallelism;
  const workloads::TransformerModel& m = job.model;
  const int tp = chunk.tp;
  const int pp = chunk.pp;
  p.tp = tp;
  p.pp = pp;
  const long long gb = p.global_batch;
  const double tokens_per_step = static_cast<double>(gb) * m.seq_len;
  const double steps = job.tokens > 0 ? job.tokens / tokens_per_step : 1.0;
  const double usd_per_s = v.gpus * v.price_usd_per_gpu_s;
  const double hbm_B = v.cluster.gpu.hbm_bytes;
  const double model_flops = sim::megatron_model_flops(job);
  const bool heads_ok = m.kv_heads % tp == 0 || tp % m.kv_heads == 0;
  const int sp_choices = tp > 1 ? 2 : 1;
  const int inner = sp_choices * kRecomputeChoices * kZeroStages;
  const int max_vs = pp > 1 ? std::min(spec.max_virtual_stages, m.layers / pp) : 1;
  const int rest = v.gpus / (tp * pp);
  std::vector<int> eps;
  std::uint32_t local = 0;

  Candidate c;
  c.variant = chunk.variant;
  c.tp = tp;
  c.pp = pp;
  for (int cp = 1; cp <= std::min(spec.max_cp, rest); cp *= 2) {
    if (rest % cp != 0) continue;
    const int dp = rest / cp;
    p.cp = cp;
    p.dp = dp;
    c.cp = cp;
    c.dp = dp;
    const bool cp_ok = cp == 1 || m.seq_len % (2 * cp) == 0;
    expert_degrees(m, dp * cp, eps);
    for (const int ep : eps) {
      p.ep = ep;
      c.ep = ep;
      for (int vs = 1; vs <= max_vs; ++vs) {
        p.virtual_stages = vs;
        c.virtual_stages = vs;
        for (const int mb : spec.micro_batches) {
          const std::uint32_t first = local;
          local += inner;
          const long long per_step = static_cast<long long>(dp) * mb;
          if (!heads_ok) {
            tally.count_infeasible(Infeasible::tp_kv_heads, inner);
            continue;
          }
          if (!cp_ok) {
            tally.count_infeasible(Infeasible::cp_seq_len, inner);
            continue;
          }
          if (gb % per_step != 0) {
            tally.count_infeasible(Infeasible::global_batch, inner);
            continue;
          }
          if (vs > 1 && (gb / per_step) % pp != 0) {
            tally.count_infeasible(Infeasible::interleave, inner);
            continue;
          }
          p.micro_batch = mb;
          c.micro_batch = mb;
          std::uint32_t k = first;
          for (int sp = 0; sp < sp_choices; ++sp) {
            p.sequence_parallel = sp != 0;
            for (int rc = 0; rc < kRecomputeChoices; ++rc) {
              p.recompute = static_cast<workloads::Recompute>(rc);
              for (int z = 0; z < kZeroStages; ++z, ++k) {
                p.zero = z;
                ++tally.evaluated;
                const double memory_B = sim::training_memory(job).total_B();
                if (memory_B > hbm_B) {
                  ++tally.infeasible[static_cast<std::size_t>(Infeasible::memory)];
                  continue;
                }
                ++tally.estimated;
                const sim::StepEstimate e = sim::estimate_training_step(v.cluster, job, gemm, collectives);
                // The power model's split of a step (sim::training_power): tensor-core time at the best GEMM rate,
                // the rest of compute and the optimizer memory-bound, exposed communication, bubble as waiting.
                const double compute_bound = std::min(e.compute_s, e.hardware_flops / v.gpus / v.best_gemm_flop_rate);
                const double memory_bound = e.compute_s - compute_bound + e.optimizer_s + e.dp_contention_s;
                const double comm =
                    e.tp_comm_s + e.cp_comm_s + e.ep_comm_s + e.pp_comm_s + e.dp_comm_s + e.param_gather_s;
                const double step_J = compute_bound * v.power.compute_bound_W + memory_bound * v.power.memory_bound_W +
                                      comm * v.power.comm_W + std::max(0.0, e.bubble_s) * v.power.idle_W;
                c.index = (static_cast<std::uint64_t>(chunk_id) << 32) | k;
                c.sequence_parallel = static_cast<std::uint8_t>(sp);
                c.recompute = static_cast<std::uint8_t>(rc);
                c.zero = static_cast<std::uint8_t>(z);
                c.step_time_s = e.step_time_s;
                c.time_s = e.step_time_s * steps;
                c.cost_usd = usd_per_s * c.time_s;
                c.energy_J = step_J * steps;
                c.memory_B = memory_B;
                c.mfu = model_flops / (e.step_time_s * v.gpus * v.peak_flop_rate);
                if (spec.budget_usd > 0 && c.cost_usd > spec.budget_usd) {
                  ++tally.infeasible[static_cast<std::size_t>(Infeasible::budget)];
                  continue;
                }
                ++tally.feasible;
                tally.add(c);
              }
            }
          }
        }
      }
    }
  }
}

SearchTally run_search(const SearchProblem& problem, const RunSettings& settings) {
  const std::vector<Chunk> all = make_chunks(problem);
  std::vector<std::uint32_t> mine;
  const int ranks = std::max(1, settings.ranks);
  for (std::uint32_t i = 0; i < all.size(); ++i) {
    if (static_cast<int>(i % ranks) == settings.rank) mine.push_back(i);
  }
  std::vector<SearchTally> parts(mine.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  const auto work = [&] {
    for (std::size_t k = next++; k < mine.size(); k = next++) {
      evaluate_chunk(problem, all[mine[k]], mine[k], parts[k]);
      ++done;
    }
  };
  int threads = settings.threads > 0 ? settings.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, 256);
  // With a progress callback the calling thread only reports (it sleeps); otherwise it works too.
  const bool report = static_cast<bool>(settings.progress);
  std::vector<std::thread> pool;
  for (int t = report ? 0 : 1; t < threads; ++t) pool.emplace_back(work);
  if (report) {
    while (done < mine.size()) {
      settings.progress(static_cast<double>(done) / static_cast<double>(mine.size()));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  } else {
    work();
  }
  for (auto& t : pool) t.join();
  if (settings.progress) settings.progress(1.0);
  SearchTally total;
  for (const SearchTally& part : parts) total.merge(part);
  total.sort_pareto();
  return total;
}

workloads::TrainingJob candidate_job(const SearchProblem& problem, const Candidate& c) {
  workloads::TrainingJob job = problem.job;
  job.precision = problem.variants[c.variant].precision;
  workloads::Parallelism& p = job.parallelism;
  p.tp = c.tp;
  p.pp = c.pp;
  p.cp = c.cp;
  p.dp = c.dp;
  p.ep = c.ep;
  p.micro_batch = c.micro_batch;
  p.virtual_stages = c.virtual_stages;
  p.sequence_parallel = c.sequence_parallel != 0;
  p.recompute = static_cast<workloads::Recompute>(c.recompute);
  p.zero = c.zero;
  return job;
}

}  // namespace capsim::planner::search
