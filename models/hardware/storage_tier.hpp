#pragma once
/// @file storage_tier.hpp
/// Storage tiers a training job reads data from and writes checkpoints to: node-local NVMe, a parallel file system
/// (Lustre/BeeGFS/WEKA/Tectonic-like) and an object store (S3-like). Each tier says what bandwidth `nodes` clients
/// get together and how much it holds.

#include <string>
#include <string_view>

namespace capsim::hw {

/// Kind of storage tier.
enum class StorageKind { local_nvme, parallel_fs, object_store };

/// Scenario spelling: "local-nvme", "parallel-fs", "object-store".
std::string_view to_string(StorageKind kind);

/// One storage tier. Fields that do not apply to its kind are ignored. Bandwidths are bytes/s, sizes bytes.
struct StorageTier {
  std::string name;  ///< how the scenario refers to it ("nvme", "pfs", "s3")
  StorageKind kind = StorageKind::parallel_fs;
  // local-nvme
  double bw_per_node_Bps = 0;     ///< drives of one node together
  double capacity_per_node_B = 0;
  // parallel-fs and object-store
  int servers = 0;                ///< parallel-fs storage servers
  double bw_per_server_Bps = 0;   ///< parallel-fs: one server's peak
  double aggregate_bw_Bps = 0;    ///< sustained ceiling of the whole service; 0 = no ceiling
  double metadata_ops_per_s = 0;  ///< parallel-fs: file creates/opens per second
  double client_bw_per_node_Bps = 0;  ///< what one node's storage NIC can move; 0 = no limit
  double capacity_B = 0;          ///< whole service
  // object-store
  double stream_bw_Bps = 0;       ///< one GET/PUT stream
  int streams_per_node = 0;       ///< concurrent streams per node
  double request_latency_s = 0;   ///< time to first byte of a request
  // prices (any kind; 0 = not priced)
  double usd_per_GB_month = 0;    ///< storage price, USD per 1e9 bytes per month
  double egress_usd_per_GB = 0;   ///< object-store: transfer out, USD per 1e9 bytes
  /// Transfer in, USD per 1e9 bytes. 0 by default: S3 charges nothing for data transferred in (AWS S3 pricing page,
  /// "Data Transfer IN To Amazon S3 From Internet: All data transfer in $0.00 per GB").
  double ingress_usd_per_GB = 0;

  /// Bandwidth `nodes` nodes get reading or writing together, bytes/s.
  double bandwidth_Bps(int nodes) const;
  /// Capacity available to a job on `nodes` nodes, bytes.
  double capacity_for_B(int nodes) const;
  /// Fixed time before bytes flow (request latency, file open), seconds.
  double startup_s() const;
};

/// Node-local NVMe of a DGX H100: 8 x 3.84 TB U.2 drives (NVIDIA DGX H100 user guide); 25 GB/s per node is an
/// estimate of eight drives' sequential write.
StorageTier default_local_nvme();
/// A parallel file system sized like Llama 3's Tectonic (Llama 3 paper, 2024): 240 PB on 7,500 servers, 2 TB/s
/// sustained, 7 TB/s peak.
StorageTier default_parallel_fs();
/// An S3-like object store at S3 Standard prices (us-east-1: $0.023/GB-month, $0.09/GB egress).
StorageTier default_object_store();
/// The default tier of `kind`, named "nvme", "pfs" or "s3".
StorageTier default_tier(StorageKind kind);

}  // namespace capsim::hw
