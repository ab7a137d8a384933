#include "planner/search/deadline_sizing.hpp"

#include <algorithm>
#include <variant>

#include "models/hardware/gpu_catalog.hpp"
#include "planner/search/search_json.hpp"
#include "planner/storage_reliability.hpp"
#include "sim/analytical/analytical_engine.hpp"
#include "sim/core/error.hpp"

namespace capsim::planner::search {

namespace {

constexpr int kMaxLadderGpus = 131'072;
constexpr std::size_t kCandidatesChecked = 4;  // fastest front members given the reliability model per size

/// 1, 2, 3, 4, 6, 8, 12, 16 ... nodes: powers of two and one and a half times them.
std::vector<int> ladder(int gpus_per_node) {
  std::vector<int> sizes;
  for (long nodes = 1; nodes * gpus_per_node <= kMaxLadderGpus; nodes *= 2) {
    sizes.push_back(static_cast<int>(nodes * gpus_per_node));
    if (nodes >= 2 && nodes * 3 / 2 * gpus_per_node <= kMaxLadderGpus) {
      sizes.push_back(static_cast<int>(nodes * 3 / 2 * gpus_per_node));
    }
  }
  std::sort(sizes.begin(), sizes.end());
  return sizes;
}

/// Wall time of `c` with interruptions, restarts and checkpoints (the planner's storage and reliability model),
/// and its goodput.
std::pair<double, double> effective_time(const Scenario& scenario, const SearchProblem& problem, const Candidate& c) {
  const Variant& v = problem.variants[c.variant];
  Scenario sized = scenario;
  sized.cluster = v.cluster;
  const workloads::TrainingJob job = candidate_job(problem, c);
  sim::TrainingResult r = sim::AnalyticalEngine().run_training(v.cluster, job);
  add_storage_and_reliability(sized, job, r);
  const double t =
      r.reliability.effective_time_to_train_s > 0 ? r.reliability.effective_time_to_train_s : r.time_to_train_s;
  return {t, r.reliability.goodput};
}

void shift(Candidate& c, std::size_t variant_offset, std::uint64_t size_seq) {
  c.variant += static_cast<std::uint32_t>(variant_offset);
  c.index |= size_seq << 56;  // chunk ids stay far below 2^24: indices stay unique across sizes
}

}  // namespace

DeadlineResult size_for_deadline(const Scenario& scenario, const SearchSpec& spec, const RunSettings& settings,
                                 const AllReduce& all_reduce) {
  DeadlineResult out;
  out.deadline_s = spec.deadline_s;
  SearchSpec probe_spec = spec;
  probe_spec.cluster_gpus = {scenario.cluster.total_gpus()};
  probe_spec.gpu_types = {scenario.cluster.gpu.id};
  out.problem = make_search_problem(scenario, probe_spec);
  out.problem.variants.clear();
  out.problem.spec = spec;
  if (out.problem.job.tokens <= 0) {
    throw InputError({Diagnostic{scenario.file, out.problem.workload_pointer + "/tokens",
                                 "--deadline needs the number of tokens to train", "add e.g. \"tokens\": \"15T\""}});
  }
  std::vector<std::string> gpu_types = spec.gpu_types;
  if (gpu_types.empty()) gpu_types.push_back(scenario.cluster.gpu.id);
  std::uint64_t size_seq = 0;
  for (const std::string& gpu : gpu_types) {
    DeadlinePick pick;
    pick.gpu = gpu;
    const hw::GpuSpec* spec_gpu = hw::GpuCatalog::builtin().find(gpu);
    const int gpn = gpu == scenario.cluster.gpu.id ? scenario.cluster.gpus_per_node
                    : spec_gpu != nullptr          ? spec_gpu->node.gpus_per_node
                                                   : 1;
    std::vector<int> sizes = spec.cluster_gpus.empty() ? ladder(gpn) : spec.cluster_gpus;
    std::sort(sizes.begin(), sizes.end());
    for (const int gpus : sizes) {
      SearchSpec one = spec;
      one.gpu_types = {gpu};
      one.cluster_gpus = {gpus};
      const SearchProblem p = make_search_problem(scenario, one);
      SearchTally t = all_reduce(run_search(p, settings));
      ++size_seq;
      pick.largest_gpus = gpus;
      pick.largest_time_s = t.has_best ? t.best[0].time_s : 0;
      const std::size_t offset = out.problem.variants.size();
      out.problem.variants.insert(out.problem.variants.end(), p.variants.begin(), p.variants.end());
      bool made_it = false;
      if (t.has_best && t.best[0].time_s <= spec.deadline_s) {
        for (std::size_t i = 0; i < t.pareto.size() && i < kCandidatesChecked; ++i) {
          const Candidate& c = t.pareto[i];
          if (c.time_s > spec.deadline_s) break;
          const auto [wall_s, goodput] = effective_time(scenario, p, c);
          const double cost = wall_s * p.variants[c.variant].gpus * p.variants[c.variant].price_usd_per_gpu_s;
          if (wall_s > spec.deadline_s || (made_it && cost >= pick.cost_usd)) continue;
          made_it = true;
          pick.found = true;
          pick.candidate = c;
          shift(pick.candidate, offset, size_seq);
          pick.effective_time_s = wall_s;
          pick.goodput = goodput;
          pick.cost_usd = cost;
        }
      }
      for (Candidate& c : t.pareto) shift(c, offset, size_seq);
      for (Candidate& c : t.best) shift(c, offset, size_seq);
      out.tally.merge(t);
      if (made_it) break;
    }
    out.picks.push_back(pick);
  }
  out.tally.sort_pareto();
  for (std::size_t i = 0; i < out.picks.size(); ++i) {
    if (!out.picks[i].found) continue;
    if (out.cheapest < 0 || out.picks[i].cost_usd < out.picks[static_cast<std::size_t>(out.cheapest)].cost_usd) {
      out.cheapest = static_cast<int>(i);
    }
  }
  return out;
}

nlohmann::ordered_json deadline_json(const DeadlineResult& result) {
  nlohmann::ordered_json j;
  j["deadline_s"] = result.deadline_s;
  nlohmann::ordered_json picks = nlohmann::ordered_json::array();
  for (const DeadlinePick& p : result.picks) {
    nlohmann::ordered_json one;
    one["gpu"] = p.gpu;
    one["found"] = p.found;
    if (p.found) {
      one["gpus"] = result.problem.variants[p.candidate.variant].gpus;
      one["effective_time_to_train_s"] = p.effective_time_s;
      one["goodput"] = p.goodput;
      one["cost_usd"] = p.cost_usd;
      one["configuration"] = candidate_json(result.problem, p.candidate);
    } else {
      one["largest_gpus_tried"] = p.largest_gpus;
      one["best_time_to_train_s"] = p.largest_time_s;
    }
    picks.push_back(one);
  }
  j["per_gpu"] = picks;
  j["cheapest"] = result.cheapest >= 0 ? nlohmann::ordered_json(result.picks[result.cheapest].gpu) : nullptr;
  return j;
}

}  // namespace capsim::planner::search
