#pragma once
// Shared by the serving tests: catalog clusters and inference jobs with every field set (tests only).
#include <string>

#include "models/hardware/cluster.hpp"
#include "models/hardware/gpu_catalog.hpp"
#include "models/workloads/model_catalog.hpp"
#include "models/workloads/serving.hpp"

namespace capsim::test {

/// One default node of catalog GPU `gpu_id`.
inline hw::ClusterSpec serving_cluster(const std::string& gpu_id = "h100-sxm5-80gb") {
  return hw::default_cluster(*hw::GpuCatalog::builtin().find(gpu_id), 1);
}

/// `preset` on `replicas` replicas of TP `tp`, 16-bit, fixed lengths, offline load of `requests` requests.
inline workloads::InferenceJob serving_job(const std::string& preset, int tp, int input, int output,
                                           long long requests = 100, int replicas = 1) {
  workloads::InferenceJob job;
  job.name = "serve";
  job.model = *workloads::ModelCatalog::builtin().find(preset);
  job.tp = tp;
  job.replicas = replicas;
  job.input_tokens = input;
  job.output_tokens = output;
  job.load.mode = workloads::LoadMode::offline;
  job.load.requests = requests;
  return job;
}

}  // namespace capsim::test
