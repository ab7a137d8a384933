#include "planner/search/des_verify.hpp"

#include <cmath>

#include "planner/search/design_search.hpp"
#include "planner/search/search_json.hpp"

namespace capsim::planner::search {

std::vector<VerifiedCandidate> verify_on_des(const SearchProblem& problem, const SearchTally& tally, int top,
                                             const sim::DesEngineOptions& options) {
  std::vector<VerifiedCandidate> out;
  const sim::DesEngine des(options);
  for (std::size_t i = 0; i < tally.pareto.size() && static_cast<int>(i) < top; ++i) {
    const Candidate& c = tally.pareto[i];
    VerifiedCandidate v;
    v.candidate = c;
    v.analytical_step_s = c.step_time_s;
    v.des_step_s = des.run_training(problem.variants[c.variant].cluster, candidate_job(problem, c)).step_time_s;
    v.difference = v.des_step_s / v.analytical_step_s - 1;
    v.disagrees = std::abs(v.difference) > kEngineTolerance;
    out.push_back(v);
  }
  return out;
}

nlohmann::ordered_json verify_json(const SearchProblem& problem, const std::vector<VerifiedCandidate>& checked) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const VerifiedCandidate& v : checked) {
    nlohmann::ordered_json one;
    one["configuration"] = candidate_json(problem, v.candidate);
    one["analytical_step_time_s"] = v.analytical_step_s;
    one["des_step_time_s"] = v.des_step_s;
    one["difference"] = v.difference;
    one["disagrees"] = v.disagrees;
    j.push_back(one);
  }
  return j;
}

}  // namespace capsim::planner::search
