#include "models/hardware/gpu.hpp"

#include <string>

#include "sim/core/error.hpp"

namespace capsim::hw {

double GpuSpec::peak(Precision p) const {
  const auto it = peak_flops.find(p);
  if (it != peak_flops.end()) return it->second;
  std::string supported;
  for (const auto& [precision, flops] : peak_flops) {
    if (!supported.empty()) supported += ", ";
    supported += to_string(precision);
  }
  throw InfeasibleError("GPU " + id + " has no " + std::string(to_string(p)) +
                        " math mode (it supports: " + (supported.empty() ? std::string("none") : supported) + ")");
}

double GpuSpec::gemm_efficiency_cap(Precision p) const {
  // Without a measurement for `p`, the bf16 share is the best guide: it is the best-studied MAMF figure, and
  // lower precisions reach a similar share of their own peak (H100: bf16 80.3%, fp8 70.9%).
  for (const Precision candidate : {p, Precision::bf16}) {
    const auto it = max_gemm_efficiency.find(candidate);
    if (it != max_gemm_efficiency.end()) return it->second;
  }
  return 0.8;  // typical best-case GEMM share on recent NVIDIA parts (MAMF: A100 86.9%, H100 80.3%, B200 77.6%)
}

double GpuSpec::sustained_ratio(Precision p) const {
  const auto it = sustained_gemm_ratio.find(p);
  return it == sustained_gemm_ratio.end() ? 1.0 : it->second;
}

}  // namespace capsim::hw
