#pragma once
/// @file gpu.hpp
/// A GPU type as the catalog describes it: datasheet peaks plus the measured efficiencies that the performance
/// models use. Every number carries its source in `sources`.

#include <map>
#include <optional>
#include <string>

#include "models/hardware/precision.hpp"

namespace capsim::hw {

/// How GPUs inside one scale-up domain are wired.
enum class ScaleUpKind {
  switched,  ///< every GPU has full bandwidth to a switch (NVSwitch, NVL72)
  mesh,      ///< point-to-point links to every peer, no switch (AMD Infinity Fabric); per-peer bw = total / (n-1)
  /// switchless torus (TPU ICI): cables to the two neighbours along each of `torus_rank` dimensions, bw_Bps split
  /// evenly over those 2 x torus_rank links; collectives run a bidirectional ring per dimension (torus3d.hpp)
  torus,
};

/// Scale-up (NVLink-class) interconnect of one GPU.
struct ScaleUpSpec {
  ScaleUpKind kind = ScaleUpKind::switched;
  int domain_gpus = 8;        ///< GPUs that share the scale-up domain
  double bw_Bps = 0;          ///< per GPU, one direction, bytes/s
  double latency_s = 0;       ///< one hop, seconds
  bool in_network_reduction = false;  ///< NVLS/SHARP-style reduction in the switch
  /// Measured all-reduce bus bandwidth on a full domain with large messages (nccl-tests busbw), bytes/s; 0 if
  /// unknown. Takes precedence over bw_Bps x efficiency for collective models.
  double allreduce_busbw_Bps = 0;
  int torus_rank = 0;  ///< torus: dimensions (2 for a 2D torus, 3 for a 3D one); the slice shape comes from domain_gpus
  /// torus: a dimension of the slice wraps around (is a ring, not a line) when its size is a multiple of this;
  /// 0 = never
  int torus_wrap_multiple = 0;
  /// torus whose nodes are joined by a slower ring of their own (Trn2 UltraServer: 4 instances of a 4x4 torus): one
  /// link of that ring, one direction, bytes/s. A domain larger than a node then adds the ring of nodes as one more
  /// torus dimension at this bandwidth; 0 = the whole domain is one torus of bw_Bps / (2 x torus_rank) links.
  double torus_node_link_Bps = 0;
};

/// The node a GPU usually ships in; a scenario may override each field.
struct NodeDefaults {
  int gpus_per_node = 8;
  int nics_per_node = 8;
  double nic_bw_Bps = 0;         ///< per NIC, one direction, bytes/s
  double nic_efficiency = 0.94;  ///< achieved/line rate for large transfers (nccl-tests busbw / line rate)
  double nic_latency_s = 0;      ///< end-to-end scale-out latency per hop chain, seconds
  /// GPU to host memory, one direction, bytes/s, as pinned copies reach it. Default: PCIe 5.0 x16 (32 GT/s x 16
  /// lanes, 128b/130b: 63.0 GB/s per direction) at 0.87 of that, 55 GB/s (estimate: what CUDA's pinned-memory copies
  /// typically reach on PCIe; not measured by CapSim). Activation offload moves over it.
  double host_link_Bps = 55e9;
};

/// Everything CapSim knows about one GPU type.
struct GpuSpec {
  std::string id;      ///< catalog id, e.g. "h100-sxm5-80gb"
  std::string name;    ///< display name, e.g. "NVIDIA H100 SXM5 80GB"
  std::string vendor;  ///< "nvidia", "amd", ...

  std::map<Precision, double> peak_flops;  ///< dense (no sparsity) peak, FLOP/s, per math precision
  /// Best measured GEMM throughput as a share of peak (MAMF search), per precision; missing entries fall back to
  /// the bf16 share.
  std::map<Precision, double> max_gemm_efficiency;
  /// K-loop depth at which a GEMM tile's fixed cost halves its efficiency, elements, per precision (a calibration
  /// profile's fit); missing entries are derived by GemmModel from the SM's peak rate.
  std::map<Precision, double> gemm_half_k;
  /// Throughput a GEMM keeps when held for seconds at the board's power limit, over its short-burst rate, per
  /// precision (the clock falls until the board fits its power limit); missing entries = 1 (not measured). Applied
  /// to training, whose steps run seconds of back-to-back GEMMs; see GemmModel::Clocks.
  std::map<Precision, double> sustained_gemm_ratio;
  int sm_count = 0;  ///< streaming multiprocessors / compute units: sets GEMM wave quantization
  /// Flash-attention forward and backward shares of the BF16 dense peak at head_dim 128 (the catalog's measured
  /// figure or a calibration profile's fit); 0 = derived from the GEMM cap (FlashAttention-2's published share of
  /// the best GEMM).
  double attention_fwd_efficiency = 0;
  double attention_bwd_efficiency = 0;  ///< see attention_fwd_efficiency
  /// FlashAttention-2's (PyTorch SDPA flash backend's) forward and backward shares of the BF16 dense peak at
  /// head_dim 128, where they differ from FlashAttention-2's published A100 share of the best GEMM (Hopper: FA2
  /// does not use wgmma); 0 = that published share times the GEMM cap.
  double flash2_fwd_efficiency = 0;
  double flash2_bwd_efficiency = 0;  ///< see flash2_fwd_efficiency

  double hbm_bytes = 0;           ///< HBM capacity, bytes
  double hbm_bw_Bps = 0;          ///< datasheet HBM bandwidth, bytes/s
  double hbm_achieved_Bps = 0;    ///< measured streaming bandwidth (STREAM-like), bytes/s
  /// Measured bandwidth of memory-bound kernels (norms, activations, residual adds), bytes/s; 0 = hbm_achieved_Bps.
  double elementwise_Bps = 0;
  double kernel_overhead_s = 0;   ///< fixed cost per kernel launch as seen in a training step, seconds

  double tdp_W = 0;   ///< board power limit, watts
  double idle_W = 0;  ///< board power at idle, watts
  /// Share of the dynamic power range (limit - idle) that compute-bound time draws: large GEMMs at the best rate
  /// hold an H100 at its 700 W limit (power-capped MAMF runs, stas00/ml-engineering), so 1.
  double compute_power_share = 1.0;
  /// Share of the dynamic power range that memory-bound time draws: streaming HBM kernels keep the memory system
  /// and a fraction of the SMs busy, about 0.55 (estimate, in line with memory-bound LLM decode drawing roughly
  /// 55-65% of TDP in the ML.ENERGY leaderboard).
  double memory_power_share = 0.55;

  ScaleUpSpec scale_up;
  NodeDefaults node;

  std::map<std::string, std::string> sources;  ///< field name -> where the figure comes from

  /// Dense peak for `p`, FLOP/s; throws capsim::InfeasibleError naming the GPU if it has no such math mode.
  double peak(Precision p) const;
  /// True if the GPU has a math mode for `p`.
  bool supports(Precision p) const { return peak_flops.count(p) != 0; }
  /// Best achievable GEMM share of peak for `p` (falls back to bf16's share, then to 0.8).
  double gemm_efficiency_cap(Precision p) const;
  /// sustained_gemm_ratio for `p`, 1 where not measured.
  double sustained_ratio(Precision p) const;
};

}  // namespace capsim::hw
